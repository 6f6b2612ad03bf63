// Relaxed Bernoulli (binary Concrete) and its straight-through form.
#include <limits>
#include <torch/csrc/autograd/custom_function.h>
#include "gumbel.h"

namespace gt::gumbel {
namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RelaxedBernoulliFn : public torch::autograd::Function<RelaxedBernoulliFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const OptTensor& noiseArg, double tau, bool hard) {
    const at::Tensor noise = noiseArg.value_or(at::Tensor());
    auto l = noise.defined() ? noise : sampleLogistic(logits.sizes(), logits.options());
    // As RelaxedBernoulli.rsample: sigmoid((logits + log U - log(1 - U)) / tau), clamped to
    // [tiny, 1 - eps] as torch.distributions' SigmoidTransform does (no clamped gradient flows).
    auto sig = ((l + logits) / tau).sigmoid();
    bool dbl = sig.scalar_type() == at::kDouble;
    double lo = dbl ? std::numeric_limits<double>::min() : static_cast<double>(std::numeric_limits<float>::min());
    double hi = 1.0 - (dbl ? std::numeric_limits<double>::epsilon() : static_cast<double>(std::numeric_limits<float>::epsilon()));
    auto y = sig.clamp(lo, hi);
    ctx->save_for_backward({sig});
    ctx->saved_data["lo"] = lo;
    ctx->saved_data["hi"] = hi;
    ctx->saved_data["tau"] = tau;
    ctx->saved_data["noiseGiven"] = noise.defined();
    // hard: y * 0 keeps a NaN sample NaN instead of a clean-looking 0.
    return hard ? y.gt(0.5).to(y.scalar_type()).add_(y.mul(0)) : y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto sig = ctx->get_saved_variables()[0];
    double tau = ctx->saved_data["tau"].toDouble();
    auto inRange = sig.ge(ctx->saved_data["lo"].toDouble()).logical_and(sig.le(ctx->saved_data["hi"].toDouble()));
    auto gin = at::sigmoid_backward(grads[0] * inRange, sig) / tau;  // as autograd differentiates sigmoid(x / tau)
    return {gin, ctx->saved_data["noiseGiven"].toBool() ? gin : at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

at::Tensor relaxedBernoulli(const at::Tensor& logits, const at::Tensor& noise, double tau, bool hard) {
  TORCH_CHECK(logits.is_floating_point(), "relaxedBernoulli: logits must be floating point, got ", logits.scalar_type());
  if (cpuHalf(logits)) return relaxedBernoulli(logits.to(at::kFloat), noise.defined() ? noise.to(at::kFloat) : noise, tau, hard).to(at::kHalf);
  TORCH_CHECK(tau > 0 && std::isfinite(tau), "relaxedBernoulli: tau must be a finite number > 0, got ", tau);
  if (noise.defined()) TORCH_CHECK(noise.sizes() == logits.sizes(), "relaxedBernoulli: noise shape ", noise.sizes(), " does not match logits ", logits.sizes());
  // No noise: the function draws it.
  return RelaxedBernoulliFn::apply(logits, optTensor(noise), tau, hard);
}

}  // namespace gt::gumbel
