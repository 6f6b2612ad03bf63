// Log-densities of the relaxed distributions, written as torch.distributions writes them but kept
// finite at low temperature: where PyTorch forms log(0) or exp(large) we clamp or use softplus.
#include <limits>
#include "gumbel.h"

namespace gt::gumbel {
namespace {
double tinyOf(const at::Tensor& t) {
  return t.scalar_type() == at::kDouble ? std::numeric_limits<double>::min() : static_cast<double>(std::numeric_limits<float>::min());
}
double epsOf(const at::Tensor& t) {
  return t.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon() : static_cast<double>(std::numeric_limits<float>::epsilon());
}
void checkTau(double tau) { TORCH_CHECK(tau > 0 && std::isfinite(tau), "tau must be a finite number > 0, got ", tau); }
}  // namespace

// ExpRelaxedCategorical.log_prob: value is a log-space sample (log of a relaxed one-hot).
at::Tensor expRelaxedCategoricalLogProb(const at::Tensor& logits, double tau, const at::Tensor& logValue, int64_t dim) {
  checkTau(tau);
  if (cpuHalf(logits) || cpuHalf(logValue)) return expRelaxedCategoricalLogProb(logits.to(at::kFloat), tau, logValue.to(at::kFloat), dim).to(logits.scalar_type());
  dim = c10::maybe_wrap_dim(dim, logits.dim());
  auto l = logits.movedim(dim, -1);
  auto v = logValue.movedim(dim, -1);
  l = l - l.logsumexp(-1, true);
  double k = static_cast<double>(l.size(-1));
  double logScale = std::lgamma(k) + (k - 1) * std::log(tau);
  auto score = l - v * tau;
  return (score - score.logsumexp(-1, true)).sum(-1) + logScale;
}

// RelaxedOneHotCategorical.log_prob = ExpRelaxed.log_prob(log y) - sum(log y). Entries of y that
// underflowed to 0 are read as the smallest normal number, so the result stays finite.
at::Tensor relaxedOneHotCategoricalLogProb(const at::Tensor& logits, double tau, const at::Tensor& value, int64_t dim) {
  if (cpuHalf(logits) || cpuHalf(value)) return relaxedOneHotCategoricalLogProb(logits.to(at::kFloat), tau, value.to(at::kFloat), dim).to(logits.scalar_type());
  dim = c10::maybe_wrap_dim(dim, logits.dim());
  auto logY = value.clamp_min(tinyOf(value)).log();
  return expRelaxedCategoricalLogProb(logits, tau, logY, dim) - logY.sum(dim);
}

// RelaxedBernoulli.log_prob: LogitRelaxedBernoulli at x = logit(y) minus the sigmoid's log-Jacobian.
at::Tensor relaxedBernoulliLogProb(const at::Tensor& logits, double tau, const at::Tensor& value) {
  checkTau(tau);
  if (cpuHalf(logits) || cpuHalf(value)) return relaxedBernoulliLogProb(logits.to(at::kFloat), tau, value.to(at::kFloat)).to(logits.scalar_type());
  auto y = value.clamp(tinyOf(value), 1.0 - epsOf(value));  // SigmoidTransform's inverse clamps likewise
  auto x = y.log() - (-y).log1p();
  auto diff = logits - x * tau;
  // PyTorch writes 2 * diff.exp().log1p(), which overflows for diff > 88; softplus is the same value.
  auto base = std::log(tau) + diff - 2 * torch::softplus(diff);
  auto logDetJ = -torch::softplus(-x) - torch::softplus(x);
  return base - logDetJ;
}

}  // namespace gt::gumbel
