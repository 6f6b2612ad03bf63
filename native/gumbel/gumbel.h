// The Gumbel family: noise, relaxed samplers (custom autograd functions) and densities.
#pragma once
#include <ATen/ATen.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <tuple>

namespace gt::gumbel {

// LibTorch 1.13 has no CPU kernels for half-precision softmax and log: such inputs are computed in
// float32 and rounded once (differentiably), as the noise is.
inline bool cpuHalf(const at::Tensor& t) { return t.is_cpu() && t.scalar_type() == at::kHalf; }

// An optional tensor argument of a custom autograd function (custom_function.h takes one as "not a
// variable" when empty). c10::optional is its own class in LibTorch 1.13 and std::optional's alias
// in 2.x, matching custom_function.h in both; std::optional would not be recognised by 1.13's.
using OptTensor = c10::optional<at::Tensor>;
inline OptTensor optTensor(const at::Tensor& t) { return t.defined() ? OptTensor(t) : OptTensor(); }

// Standard Gumbel(0, 1) noise from LibTorch's generator; never +-inf or NaN (see noise.cc).
at::Tensor sampleGumbel(at::IntArrayRef shape, const at::TensorOptions& opts);
// The transform applied to given uniforms: "safe" (ours) or "seed" (-log(-log(U + eps) + eps)).
at::Tensor gumbelFromUniform(const at::Tensor& u, bool seedFormula, double eps);
// Logistic noise log(U) - log(1 - U) from given or drawn uniforms, clamped as torch.distributions does.
at::Tensor logisticFromUniform(const at::Tensor& u);
at::Tensor sampleLogistic(at::IntArrayRef shape, const at::TensorOptions& opts);

// Relaxed one-hot sample softmax((logits + g) / tau) along dim; with hard, the exact one-hot of its
// argmax in the forward pass and the relaxed sample's gradient in the backward pass.
at::Tensor gumbelSoftmax(const at::Tensor& logits, const at::Tensor& gumbels, double tau, bool hard, int64_t dim);
// Binary Concrete: sigmoid((logits + L) / tau); hard gives (y > 0.5) with the soft gradient.
at::Tensor relaxedBernoulli(const at::Tensor& logits, const at::Tensor& noise, double tau, bool hard);
// Exact one-hot draw from Categorical(softmax(logits)) along dim (no relaxation, no gradient).
at::Tensor oneHotCategorical(const at::Tensor& logits, int64_t dim, bool multinomial);

// Densities, equal to torch.distributions' where those are finite.
at::Tensor expRelaxedCategoricalLogProb(const at::Tensor& logits, double tau, const at::Tensor& logValue, int64_t dim);
at::Tensor relaxedOneHotCategoricalLogProb(const at::Tensor& logits, double tau, const at::Tensor& value, int64_t dim);
at::Tensor relaxedBernoulliLogProb(const at::Tensor& logits, double tau, const at::Tensor& value);

// Whether CUDA tensors take the fused kernels (default) or the ATen composition (for comparison).
void setFusedKernels(bool on);
bool fusedKernels();

#ifdef GT_WITH_CUDA
namespace cuda {
// Fused forward: noise (drawn in-kernel from the CUDA generator's Philox stream unless given),
// tempered softmax and, for hard, argmax + one-hot, one pass over contiguous rows of length K.
// Returns {output, ySoft} or undefined tensors when K is too large for the fused path.
std::tuple<at::Tensor, at::Tensor> gumbelSoftmaxForward(const at::Tensor& logits, const at::Tensor& gumbels, double tau, bool hard, int64_t dim);
at::Tensor gumbelSoftmaxBackward(const at::Tensor& grad, const at::Tensor& ySoft, double tau, int64_t dim);
}  // namespace cuda
#endif

}  // namespace gt::gumbel
