// Binary cross-entropy from vectorised ATen ops, an explicit opt-in for float32 on the CPU
// (setFastBinaryCrossEntropy, part of setFastCpu). ATen's CPU kernel computes log and log1p one element
// at a time; here they run as whole-tensor (SIMD) ops (none through BLAS, whose threads may spin). Same formula and
// the same clamps at -100 and 1e-12, but other rounding, so it is off by default; its error against
// float64 is bounded in test/fast-cpu.test.ts. Inputs outside [0, 1] (NaN included) are refused with
// ATen's message, which the trainer relies on to detect a diverged model.
#include <torch/csrc/autograd/custom_function.h>
#include "binding/tensor.h"

namespace gt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool fastBceEnabled = false;

void checkUnitRange(const at::Tensor& t, const char* what) {
  auto mm = at::aminmax(t);
  const float lo = std::get<0>(mm).item<float>(), hi = std::get<1>(mm).item<float>();
  TORCH_CHECK(lo >= 0 && hi <= 1, "all elements of ", what, " should be between 0 and 1");
}

// L = -sum(y log(x) + (1 - y) log(1 - x)), each log clamped at -100 as ATen does
//   = -(sum(log(1 - x)) + sum(y (log(x) - log(1 - x)))).
struct FastBceFn : public torch::autograd::Function<FastBceFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& y, bool mean) {
    checkUnitRange(x, "input");
    checkUnitRange(y, "target");
    ctx->save_for_backward({x, y});
    ctx->saved_data["mean"] = mean;
    at::Tensor logX = x.log().clamp_min_(-100);
    at::Tensor log1mX = x.neg().log1p_().clamp_min_(-100);
    // + 0 turns the -0 of a perfect prediction into ATen's 0.
    at::Tensor total = log1mX.sum().add_(logX.sub_(log1mX).mul_(y).sum()).neg_().add_(0.0);
    return mean ? total.div_(x.numel()) : total;
  }
  // dL/dx = (x - y) / max(x (1 - x), 1e-12), times the incoming gradient (/ n for the mean).
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& y = saved[1];
    at::Tensor scale = ctx->saved_data["mean"].toBool() ? grads[0] / x.numel() : grads[0];
    at::Tensor gx = (x - y).div_(x.neg().add_(1).mul_(x).clamp_min_(1e-12)).mul_(scale);
    return {gx, at::Tensor(), at::Tensor()};
  }
};

bool fastBceFits(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int64_t reduction) {
  auto f32cpu = [](const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided; };
  return fastBceEnabled && !w.defined() && reduction != at::Reduction::None && f32cpu(x) && f32cpu(y) && x.sizes() == y.sizes() &&
         !y.requires_grad() && x.numel() > 0;
}

}  // namespace

// F.binary_cross_entropy's one entry point: the vectorised form when switched on and it fits, else ATen's.
at::Tensor binaryCrossEntropyOp(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int64_t reduction) {
  if (!fastBceFits(x, y, w, reduction)) return torch::binary_cross_entropy(x, y, w, reduction);
  return FastBceFn::apply(x.contiguous(), y.contiguous(), reduction == at::Reduction::Mean);
}

void initFastBce(Napi::Env, Napi::Object x) {
  GT_DEF(x, "setFastBinaryCrossEntropy", { fastBceEnabled = a.flag(0); });
  GT_DEF(x, "fastBinaryCrossEntropy", { return fastBceEnabled; });
}

}  // namespace gt
