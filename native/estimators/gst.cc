// Gapped straight-through (Fan, Chi, Rudnicky, Ramadge: "Training Discrete Deep Generative Models via
// Gapped Straight-Through Estimator", ICML 2022). Without Monte Carlo, it builds the deterministic
// logits m that Gumbel-Rao's conditional samples approximate: the sampled category D is raised to the
// largest logit, and every other logit above max - gap is lowered to max - gap, so D is the argmax
// with at least the gap (consistency) and the changes carry no gradient. The gradient is that of
// softmax(m / tau). The gap is fixed (GST-1.0: 1) or adaptive, -log(1 - pi_D) / pi_D (GST-p), with
// pi_D the sample's probability times (1 - 1e-5) so it stays finite at pi_D = 1.
#include "estimators.h"

namespace gt::estimators {

at::Tensor gst(const at::Tensor& logits, const at::Tensor& sample, double tau, double gap, int64_t dim) {
  TORCH_CHECK(std::isfinite(gap) && gap != 0, "gst: gap must be a finite number > 0 (or < 0 for the adaptive gap), got ", gap);
  auto [l, d, dim_] = prepareStraightThrough(logits, sample, tau, dim, "gst");
  at::Tensor p;
  {
    torch::NoGradGuard noGrad;
    auto chosen = d.gt(0.5);
    auto top = std::get<0>(l.max(-1, /*keepdim=*/true));
    at::Tensor kappa;
    if (gap > 0) {
      kappa = torch::full({}, gap, l.options());
    } else {
      auto pi = (l.softmax(-1) * d).sum(-1, true) * (1 - 1e-5);
      kappa = -(-pi).log1p() / pi;
    }
    auto raise = torch::where(chosen, top - l, torch::zeros_like(l));
    auto lower = torch::where(chosen, torch::zeros_like(l), (l - top + kappa).clamp_min(0));
    auto m = l + (raise - lower);
    p = (m / tau).softmax(-1).unsqueeze(0);
  }
  return straightThrough(l, d, p, {1.0 / tau}).movedim(-1, dim_);
}

}  // namespace gt::estimators
