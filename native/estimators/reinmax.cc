// ReinMax (Liu, Zhao, Han, Gao, Jiang, Cheng: "Bridging Discrete and Backpropagation:
// Straight-Through and Beyond", NeurIPS 2023, Algorithm 2). Heun's method on the ODE behind ST:
//   pi0 = softmax(logits), pi1 = (D + softmax(logits / tau)) / 2,
//   pi1' = softmax(stopgrad(log pi1 - logits) + logits), y = D + (2 pi1' - pi0 / 2) - stopgrad(.)
// so the forward value is D and the gradient 2 J(pi1) - J(pi0) / 2, with J(p) = diag(p) - p p^T
// (pi1' has value pi1 and the softmax Jacobian at pi1). The paper recommends tau >= 1.
#include "estimators.h"

namespace gt::estimators {

at::Tensor reinmax(const at::Tensor& logits, const at::Tensor& sample, double tau, int64_t dim) {
  auto [l, d, dim_] = prepareStraightThrough(logits, sample, tau, dim, "reinmax");
  at::Tensor probs;
  {
    torch::NoGradGuard noGrad;
    auto pi0 = l.softmax(-1);
    auto pi1 = ((l / tau).softmax(-1) + d) / 2;
    probs = torch::stack({pi1, pi0});
  }
  return straightThrough(l, d, probs, {2.0, -0.5}).movedim(-1, dim_);
}

}  // namespace gt::estimators
