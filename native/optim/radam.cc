// optim.RAdam's step: torch 1.13's _single_tensor_radam (torch/optim/radam.py) op for op, with its
// Python float arithmetic done in C doubles (Python's `**` and math.sqrt are C's pow and sqrt), so every
// parameter rounds as PyTorch's does.
#include "radam.h"
#include <cmath>
#include "adam_state_key.h"

namespace gt {

at::Tensor RAdam::step(LossClosure closure) {
  at::NoGradGuard noGrad;
  at::Tensor loss;
  if (closure) {
    at::AutoGradMode enable(true);
    loss = closure();
  }
  for (auto& group : param_groups()) {
    const auto& o = static_cast<const RAdamOptions&>(group.options());
    const double beta1 = o.beta1(), beta2 = o.beta2(), lr = o.lr(), weightDecay = o.weight_decay(), eps = o.eps();
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      at::Tensor grad = param.grad();
      TORCH_CHECK(!grad.is_sparse(), "RAdam does not support sparse gradients");
      auto key = adamStateKey(state(), param);
      auto it = state().find(key);
      if (it == state().end()) {
        auto s = std::make_unique<RAdamParamState>();
        s->exp_avg(at::zeros_like(param, at::MemoryFormat::Preserve));
        s->exp_avg_sq(at::zeros_like(param, at::MemoryFormat::Preserve));
        it = state().emplace(key, std::move(s)).first;
      }
      auto& s = static_cast<RAdamParamState&>(*it->second);
      s.step(s.step() + 1);
      const double step = static_cast<double>(s.step());
      at::Tensor& expAvg = s.exp_avg();
      at::Tensor& expAvgSq = s.exp_avg_sq();
      const double biasCorrection1 = 1 - std::pow(beta1, step);
      const double biasCorrection2 = 1 - std::pow(beta2, step);
      if (weightDecay != 0) grad = grad.add(param, weightDecay);
      expAvg.mul_(beta1).add_(grad, 1 - beta1);
      expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      at::Tensor biasCorrectedExpAvg = expAvg / biasCorrection1;
      // The maximum length of the approximated simple moving average, and its length at this step:
      // the variance of the adaptive lr is tractable (rectified) only past 5.
      const double rhoInf = 2 / (1 - beta2) - 1;
      const double rhoT = rhoInf - 2 * step * std::pow(beta2, step) / biasCorrection2;
      if (rhoT > 5.) {
        const double rect = std::sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        // Python's `float / tensor` is Tensor.__rtruediv__: reciprocal, then multiply.
        at::Tensor adaptiveLr = expAvgSq.sqrt().add_(eps).reciprocal() * std::sqrt(biasCorrection2);
        param.add_(biasCorrectedExpAvg * lr * adaptiveLr * rect, -1.0);
      } else {
        param.add_(biasCorrectedExpAvg * lr, -1.0);
      }
    }
  }
  return loss;
}

}  // namespace gt
