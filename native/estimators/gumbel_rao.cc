// Gumbel-Rao (Paulus, Maddison, Krause: "Rao-Blackwellizing the Straight-Through Gumbel-Softmax
// Gradient Estimator", ICLR 2021). Forward: D ~ Cat(softmax(logits)). Backward: the ST Gumbel-Softmax
// gradient averaged over K Gumbel perturbations drawn from their conditional law given argmax = D,
// E[grad softmax((logits + G) / tau) | D] estimated with K draws. With E ~ Exp(1) iid and
// log Z = logsumexp(logits), the perturbed logits (top-down, as in Maddison et al.'s A* sampling) are
//   chosen i:  log Z - log E_i,        others j:  -log(E_j exp(-logits_j) + E_i / Z),
// written in log space (logaddexp) so that large or -inf logits stay finite or exactly masked.
#include <limits>
#include "estimators.h"

namespace gt::estimators {

at::Tensor conditionalGumbelLogits(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& exponentials) {
  torch::NoGradGuard noGrad;
  auto l = logits.detach();
  double tiny = l.scalar_type() == at::kDouble ? std::numeric_limits<double>::min() : static_cast<double>(std::numeric_limits<float>::min());
  auto logE = exponentials.clamp_min(tiny).log();  // Exp(1) draws of exactly 0 would give inf
  auto logZ = l.logsumexp(-1, true);
  std::vector<int64_t> shape(logE.sizes().begin(), logE.sizes().end());
  shape.back() = 1;
  auto logEi = logE.gather(-1, sample.argmax(-1, true).unsqueeze(0).expand(shape));
  auto others = -torch::logaddexp(logE - l, logEi - logZ);
  return torch::where(sample.gt(0.5), logZ - logEi, others);
}

at::Tensor gumbelRao(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& exponentials, int64_t k, double tau, int64_t dim) {
  auto [l, d, dim_] = prepareStraightThrough(logits, sample, tau, dim, "gumbelRao");
  at::Tensor e;
  if (exponentials.defined()) {
    TORCH_CHECK(exponentials.dim() == logits.dim() + 1 && exponentials.sizes().slice(1) == logits.sizes(),
                "gumbelRao: exponentials must have shape [K, ", logits.sizes(), "], got ", exponentials.sizes());
    TORCH_CHECK(exponentials.device() == logits.device(), "gumbelRao: exponentials are on ", exponentials.device(), " but logits on ", logits.device());
    e = exponentials.movedim(dim_ + 1, -1).to(l.scalar_type());
  } else {
    TORCH_CHECK(k >= 1, "gumbelRao: K must be >= 1, got ", k);
    std::vector<int64_t> shape{k};
    shape.insert(shape.end(), l.sizes().begin(), l.sizes().end());
    e = torch::empty(shape, l.options()).exponential_();
  }
  at::Tensor p;
  {
    torch::NoGradGuard noGrad;
    p = (conditionalGumbelLogits(l, d, e) / tau).softmax(-1);
  }
  std::vector<double> w(p.size(0), 1.0 / (static_cast<double>(p.size(0)) * tau));
  return straightThrough(l, d, p, w).movedim(-1, dim_);
}

}  // namespace gt::estimators
