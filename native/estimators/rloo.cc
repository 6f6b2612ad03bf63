// REINFORCE with the leave-one-out baseline (Kool, van Hoof, Welling: "Buy 4 REINFORCE Samples, Get a
// Baseline for Free!", ICLR 2019 workshop). With S >= 2 samples z_s ~ p(.|logits) and losses f_s,
//   grad = 1/S sum_s (f_s - 1/(S-1) sum_{s' != s} f_s') grad log p(z_s)
//        = sum_s (f_s - mean f) / (S - 1) * (z_s - softmax(logits))      (per latent variable),
// unbiased. The loss f needs the sample, so this is a surrogate: its forward value is mean_s f_s, its
// gradient for the logits the estimator above and for the values (f's own parameters) the mean's.
#include <torch/csrc/autograd/custom_function.h>
#include "estimators.h"

namespace gt::estimators {
namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RlooFn : public torch::autograd::Function<RlooFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& samples, const at::Tensor& values) {
    ctx->save_for_backward({logits.softmax(-1), samples, values});
    return values.mean(0);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto &probs = saved[0], &samples = saved[1], &values = saved[2];
    int64_t s = samples.size(0);
    const auto& g = grads[0];  // [B]
    std::vector<int64_t> bshape(samples.dim(), 1);
    bshape[0] = s;
    bshape[1] = values.size(1);
    auto advantage = ((values - values.mean(0, true)) / static_cast<double>(s - 1)).view(bshape);
    auto score = samples - probs.unsqueeze(0);
    auto glogits = (advantage * score).sum(0) * g.view(std::vector<int64_t>(bshape.begin() + 1, bshape.end()));
    auto gvalues = (g / static_cast<double>(s)).unsqueeze(0).expand_as(values);
    return {glogits, at::Tensor(), gvalues};
  }
};
}  // namespace

at::Tensor rloo(const at::Tensor& logits, const at::Tensor& samples, const at::Tensor& values) {
  checkLogits(logits, "rloo");
  TORCH_CHECK(logits.dim() >= 2, "rloo: logits must be [batch, ..., categories], got ", logits.sizes());
  TORCH_CHECK(samples.dim() == logits.dim() + 1 && samples.sizes().slice(1) == logits.sizes(),
              "rloo: samples must have shape [S, ", logits.sizes(), "], got ", samples.sizes());
  TORCH_CHECK(samples.size(0) >= 2, "rloo: the leave-one-out baseline needs S >= 2 samples, got ", samples.size(0));
  TORCH_CHECK(values.dim() == 2 && values.size(0) == samples.size(0) && values.size(1) == logits.size(0),
              "rloo: f must return [S, batch] = [", samples.size(0), ", ", logits.size(0), "], got ", values.sizes());
  TORCH_CHECK(values.is_floating_point(), "rloo: f must return a floating-point tensor, got ", values.scalar_type());
  return RlooFn::apply(logits, samples.detach().to(logits.scalar_type()), values.to(logits.scalar_type()));
}

}  // namespace gt::estimators
