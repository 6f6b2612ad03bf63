// Straight-through over an exact categorical sample (Bengio, Léonard, Courville 2013): the forward
// value is D ~ Cat(softmax(logits)), the gradient that of softmax(logits / tau), as the ReinMax and
// GST papers' "ST" baseline.
#include "estimators.h"

namespace gt::estimators {

at::Tensor st(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim) {
  auto [l, d, dim_] = prepareStraightThrough(logits, sample, tau, dim, "st");
  at::Tensor p;
  {
    torch::NoGradGuard noGrad;
    p = (l / tau).softmax(-1).unsqueeze(0);
  }
  return straightThrough(l, d, p, {1.0 / tau}).movedim(-1, dim_);
}

}  // namespace gt::estimators
