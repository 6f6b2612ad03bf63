// Gradient estimators for categorical latents. The straight-through family (st, reinmax, gst,
// gumbel-rao) returns an exact one-hot sample whose backward is a weighted sum of softmax Jacobians;
// rloo and exact return surrogates of E[f(z)] whose gradients are unbiased and exact respectively.
// Category dimension: `dim` for the straight-through family, the last one for rloo and exact.
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <vector>

namespace gt::estimators {

// Forward: `sample` (one-hot). Backward: sum_j weights[j] * J_softmax(probs[j])^T grad, the rule every
// straight-through estimator shares. probs: [J, *sample.shape] along the last dim; weights: J numbers.
at::Tensor straightThrough(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& probs, const std::vector<double>& weights);

// An undefined `sample` (or `exponentials`) is drawn: OneHotCategorical(logits).sample(), Exp(1).
// Bengio et al. 2013: gradient of softmax(logits / tau).
at::Tensor st(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim);
// Liu et al. 2023 (ReinMax): 2 J(pi1) - J(pi0) / 2, pi1 = (softmax(logits / tau) + D) / 2, pi0 = softmax(logits).
at::Tensor reinmax(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim);
// Fan et al. 2022 (gapped ST): gradient of softmax(m / tau) at logits moved so that the sample is the
// argmax with a gap; gap > 0 fixed, gap < 0 adaptive (-log(1 - pi_D) / pi_D).
at::Tensor gst(const at::Tensor& logits, const at::Tensor& sample, double tau, double gap, int64_t dim);
// Paulus et al. 2021: mean over K Gumbel perturbations conditioned on the sample's argmax.
// exponentials: [K, *logits.shape] Exp(1) draws.
at::Tensor gumbelRao(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& exponentials, int64_t k, double tau, int64_t dim);
// The conditional Gumbel-perturbed logits of gumbelRao ([K, *logits.shape], categories last).
at::Tensor conditionalGumbelLogits(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& exponentials);

// Kool et al. 2019: forward mean_s values[s]; backward for logits sum_s (f_s - mean f) / (S - 1) *
// grad log p(z_s), for values the mean's gradient. logits [B, ..., C], samples [S, B, ..., C], values [S, B].
at::Tensor rloo(const at::Tensor& logits, const at::Tensor& samples, const at::Tensor& values);
// Every configuration of `latents` variables with `categories` values, one-hot [C^L, L, C], in the
// order of itertools.product; a RangeError-style failure above maxConfigurations.
at::Tensor enumerateConfigurations(int64_t latents, int64_t categories, int64_t maxConfigurations, const at::TensorOptions& opts);
// sum_n p(configs[n] | logits[b]) values[n, b], differentiable in both: logits [B, L, C], configs [N, L, C].
at::Tensor exactExpectation(const at::Tensor& logits, const at::Tensor& configs, const at::Tensor& values);

// Shared argument handling: a finite tau > 0; logits floating and non-empty; a given sample of the
// logits' shape that is one-hot along the last dim, or a fresh OneHotCategorical(logits) draw.
void checkTau(double tau, const char* who);
void checkLogits(const at::Tensor& logits, const char* who);
at::Tensor sampleOrDraw(const at::Tensor& logits, const at::Tensor& sample, const char* who);
// The common prologue of the straight-through estimators: checks, then logits and sample with the
// category dim moved last (undoCategoriesLast moves it back).
struct CategoriesLast {
  at::Tensor logits, sample;
  int64_t dim;
};
CategoriesLast prepareStraightThrough(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim, const char* who);

}  // namespace gt::estimators
