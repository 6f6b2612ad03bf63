// The backward rule shared by the straight-through estimators: the forward value is the one-hot
// sample, the gradient a weighted sum of softmax Jacobians at surrogate probabilities.
#include <torch/csrc/autograd/custom_function.h>
#include "estimators.h"

namespace gt::estimators {
namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct StraightThroughFn : public torch::autograd::Function<StraightThroughFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& probs, const at::Tensor& weights) {
    ctx->save_for_backward({probs, weights});
    return sample.detach();
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& probs = saved[0];
    const auto& weights = saved[1];
    auto g = grads[0].unsqueeze(0).expand_as(probs).contiguous();
    // ATen's own softmax backward (what autograd runs for softmax), once per surrogate.
    auto per = at::_softmax_backward_data(g, probs, probs.dim() - 1, probs.scalar_type());
    std::vector<int64_t> wshape(probs.dim(), 1);
    wshape[0] = probs.size(0);
    return {(per * weights.view(wshape)).sum(0), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

at::Tensor straightThrough(const at::Tensor& logits, const at::Tensor& sample, const at::Tensor& probs, const std::vector<double>& weights) {
  TORCH_CHECK(probs.dim() == logits.dim() + 1 && probs.sizes().slice(1) == logits.sizes(), "straightThrough: probs must be [J, *logits.shape]");
  TORCH_CHECK(static_cast<int64_t>(weights.size()) == probs.size(0), "straightThrough: one weight per surrogate");
  auto w = torch::tensor(weights, probs.options().dtype(at::kDouble)).to(probs.scalar_type());
  return StraightThroughFn::apply(logits, sample, probs.detach(), w);
}

}  // namespace gt::estimators
