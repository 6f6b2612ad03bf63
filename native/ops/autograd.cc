// Autograd entry points. Custom differentiable ops are torch::autograd::Function subclasses
// (see gumbel/*.cc, estimators/*.cc); this file exposes gradients, backward and grad mode.
#include "binding/tensor.h"

namespace gt {

void initAutograd(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "requiresGrad", { return a.tensor(0).requires_grad(); });
  GT_DEF(x, "setRequiresGrad", { a.tensor(0).requires_grad_(a.flag(1)); });
  GT_DEF(x, "grad", { return a.tensor(0).grad(); });
  // Whether two handles hold the same tensor (lets .grad hand back one wrapper for one gradient).
  GT_DEF(x, "sameTensor", { return a.tensor(0).unsafeGetTensorImpl() == a.tensor(1).unsafeGetTensorImpl(); });
  GT_DEF(x, "setGrad", {
    auto t = a.tensor(0);
    t.mutable_grad() = a.has(1) ? a.tensor(1) : at::Tensor();
  });
  GT_DEF(x, "isLeaf", { return a.tensor(0).is_leaf(); });
  GT_DEF(x, "backward", {
    auto t = a.tensor(0);
    auto g = a.optTensor(1);
    if (!g && t.numel() != 1)
      throw ArgError("backward(): grad can be implicitly created only for a tensor with one element; pass a gradient");
    t.backward(g.value_or(at::Tensor()), /*retain_graph=*/a.has(2) ? c10::optional<bool>(a.flag(2)) : c10::nullopt);
  });
  // Grad mode is thread-local; JS runs on one thread, so a scope is set/restore around the callback.
  GT_DEF(x, "isGradEnabled", { return c10::GradMode::is_enabled(); });
  GT_DEF(x, "setGradEnabled", {
    bool prev = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(a.flag(0));
    return prev;
  });
  // Module.zeroGrad: set to none (PyTorch 2's default), or zeroed in place as PyTorch's set_to_none=False
  // (a gradient made with createGraph is detached first, so the zeroing is not recorded).
  GT_DEF(x, "zeroGrads", {
    const bool setToNone = a.flag(1, true);
    for (auto& p : a.tensors(0)) {
      auto& g = p.mutable_grad();
      if (setToNone || !g.defined()) {
        g = at::Tensor();
        continue;
      }
      if (g.grad_fn())
        g.detach_();
      else
        g.requires_grad_(false);
      g.zero_();
    }
  });
}

}  // namespace gt
