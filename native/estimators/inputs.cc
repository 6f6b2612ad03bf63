// Argument checks and sample handling shared by the estimators (one error path: TORCH_CHECK).
#include <cmath>
#include "estimators.h"
#include "gumbel/gumbel.h"

namespace gt::estimators {

void checkTau(double tau, const char* who) {
  TORCH_CHECK(tau > 0 && std::isfinite(tau), who, ": tau must be a finite number > 0, got ", tau);
}

void checkLogits(const at::Tensor& logits, const char* who) {
  TORCH_CHECK(logits.is_floating_point(), who, ": logits must be floating point, got ", logits.scalar_type());
  TORCH_CHECK(logits.numel() > 0 && logits.dim() > 0, who, ": logits is empty");
}

at::Tensor sampleOrDraw(const at::Tensor& logits, const at::Tensor& sample, const char* who) {
  torch::NoGradGuard noGrad;
  // As torch.distributions.OneHotCategorical(logits=...).sample(): the same draws for the same seed.
  if (!sample.defined()) return gumbel::oneHotCategorical(logits.detach(), -1, /*multinomial=*/true);
  TORCH_CHECK(sample.sizes() == logits.sizes(), who, ": sample shape ", sample.sizes(), " does not match logits ", logits.sizes());
  TORCH_CHECK(sample.device() == logits.device(), who, ": sample is on ", sample.device(), " but logits on ", logits.device());
  auto s = sample.to(logits.scalar_type());
  bool oneHot = s.eq(0).logical_or(s.eq(1)).all().item<bool>() && s.sum(-1).eq(1).all().item<bool>();
  TORCH_CHECK(oneHot, who, ": sample must be one-hot along the category dimension");
  return s;
}

CategoriesLast prepareStraightThrough(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim, const char* who) {
  checkLogits(logits, who);
  checkTau(tau, who);
  dim = c10::maybe_wrap_dim(dim, logits.dim());
  auto l = logits.movedim(dim, -1);
  return {l, sampleOrDraw(l, sample.defined() ? sample.movedim(dim, -1) : sample, who), dim};
}

}  // namespace gt::estimators
