// nn.functional's losses: what torch/nn/functional.py does around ATen's kernels (size checks,
// broadcasting, 'batchmean', gaussian_nll_loss's formula), in C++ so that each loss is one op-table entry
// with one error path. Each mirrors PyTorch 1.13's Python line by line, so values and gradients are its.
#include "losses.h"
#include <cmath>
#include "binding/tensor.h"

namespace gt {
namespace {

std::string sizesOf(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// F.mse_loss, l1_loss, smooth_l1_loss, huber_loss: PyTorch's warning when the sizes differ (a broadcast
// target is a classic silent mistake), then both expanded as torch.broadcast_tensors does. A macro, so that
// each loss is its own warning site (binding/warnings.cc emits each site once, as Python's filter does per line).
#define GT_BROADCAST_LOSS_ARGS(input, target)                                                                                             \
  [&] {                                                                                                                                   \
    if ((input).sizes() != (target).sizes())                                                                                              \
      TORCH_WARN("Using a target size (", sizesOf((target).sizes()), ") that is different to the input size (", sizesOf((input).sizes()), \
                 "). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.");            \
    return at::broadcast_tensors({input, target});                                                                                        \
  }()

// A class index outside [0, C) on a GPU is a device-side assert that poisons the CUDA context; the CPU
// kernels check it themselves (with ATen's message), so only other devices pay for this check.
void checkClassIndices(const at::Tensor& input, const at::Tensor& target, int64_t ignoreIndex) {
  if (target.is_cpu() || at::isFloatingType(target.scalar_type()) || target.numel() == 0) return;
  const int64_t classes = input.dim() >= 2 ? input.size(1) : input.size(0);
  auto bad = (target.lt(0) | target.ge(classes)) & target.ne(ignoreIndex);
  if (bad.any().item<bool>())
    throw RangeArgError("target holds a class index outside [0, " + std::to_string(classes) + ") (ignoreIndex " + std::to_string(ignoreIndex) + ")");
}

// Class indices must be int64; in JS a plain tensor([0, 2, 1]) is float32, so a float target that is not
// a probability table of the input's shape says what was meant instead of ATen's "expected scalar type Long".
void checkClassTarget(const at::Tensor& input, const at::Tensor& target, bool probabilitiesAllowed) {
  if (!at::isFloatingType(target.scalar_type())) return;
  if (probabilitiesAllowed && target.sizes() == input.sizes()) return;
  throw ArgError("target is " + dtypeName(target.scalar_type()) + " of shape " + sizesOf(target.sizes()) + " for input of shape " + sizesOf(input.sizes()) +
                 ": class indices must be int64 (tensor(..., { dtype: 'int64' }))" +
                 (probabilitiesAllowed ? ", class probabilities must have the input's shape" : ""));
}

}  // namespace

at::Tensor mseLossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction) {
  auto xy = GT_BROADCAST_LOSS_ARGS(input, target);
  return at::mse_loss(xy[0], xy[1], reduction);
}

at::Tensor l1LossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction) {
  auto xy = GT_BROADCAST_LOSS_ARGS(input, target);
  return at::l1_loss(xy[0], xy[1], reduction);
}

at::Tensor smoothL1LossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction, double beta) {
  auto xy = GT_BROADCAST_LOSS_ARGS(input, target);
  return at::smooth_l1_loss(xy[0], xy[1], reduction, beta);
}

at::Tensor huberLossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction, double delta) {
  auto xy = GT_BROADCAST_LOSS_ARGS(input, target);
  return at::huber_loss(xy[0], xy[1], reduction, delta);
}

at::Tensor crossEntropyOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, int64_t ignoreIndex, int64_t reduction,
                          double labelSmoothing) {
  // 1.13 checks only <= 1 and skips smoothing for a negative or NaN value; refused here, as PyTorch 2 does.
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw RangeArgError("labelSmoothing must be in [0, 1], got " + std::to_string(labelSmoothing));
  checkClassTarget(input, target, true);
  checkClassIndices(input, target, ignoreIndex);
  return at::cross_entropy_loss(input, target, weight, reduction, ignoreIndex, labelSmoothing);
}

at::Tensor nllLossOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, int64_t ignoreIndex, int64_t reduction) {
  checkClassTarget(input, target, false);
  checkClassIndices(input, target, ignoreIndex);
  return at::nll_loss_nd(input, target, weight, reduction, ignoreIndex);
}

at::Tensor bceWithLogitsOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, const at::Tensor& posWeight,
                           int64_t reduction) {
  if (target.sizes() != input.sizes())
    throw RangeArgError("target size " + sizesOf(target.sizes()) + " must be the same as input size " + sizesOf(input.sizes()));
  return at::binary_cross_entropy_with_logits(input, target, weight, posWeight, reduction);
}

at::Tensor klDivOp(const at::Tensor& input, const at::Tensor& target, const std::string& reduction, bool logTarget) {
  int64_t r;
  if (reduction == "batchmean" || reduction == "sum")
    r = at::Reduction::Sum;
  else if (reduction == "none")
    r = at::Reduction::None;
  else if (reduction == "mean")
    r = at::Reduction::Mean;
  else
    throw ArgError("reduction must be 'none', 'mean', 'sum' or 'batchmean', got '" + reduction + "'");
  if (reduction == "mean")
    TORCH_WARN(
        "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, "
        "and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  auto reduced = at::kl_div(input, target, r, logTarget);
  if (reduction == "batchmean" && input.dim() != 0) reduced = reduced / input.size(0);
  return reduced;
}

at::Tensor gaussianNllLossOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& var, bool full, double eps, int64_t reduction) {
  at::Tensor v = var;
  if (v.sizes() != input.sizes()) {
    // One dim short of input (homoscedastic): unsqueezed to broadcast; or a last dim of 1.
    auto in = input.sizes();
    auto head = in.slice(0, in.empty() ? 0 : in.size() - 1);
    if (head == v.sizes())
      v = v.unsqueeze(-1);
    else if (!(v.dim() >= 1 && head == v.sizes().slice(0, v.dim() - 1) && v.size(-1) == 1))
      throw RangeArgError("var is of incorrect size " + sizesOf(v.sizes()) + " for input size " + sizesOf(in) +
                          " (expected the input's size, or it without or with 1 as its last dim)");
  }
  if (v.lt(0).any().item<bool>()) throw RangeArgError("var has negative entry/entries");
  v = v.clone();
  {
    torch::NoGradGuard noGrad;  // the clamp for stability is not differentiated through, as in PyTorch
    v.clamp_(eps);
  }
  auto loss = (v.log() + (input - target).pow(2) / v) * 0.5;
  if (full) loss.add_(0.5 * std::log(2 * M_PI));
  if (reduction == at::Reduction::Mean) return loss.mean();
  if (reduction == at::Reduction::Sum) return loss.sum();
  return loss;
}

}  // namespace gt
