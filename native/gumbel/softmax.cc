// Gumbel-Softmax and its straight-through form as one custom autograd function.
#include <torch/csrc/autograd/custom_function.h>
#include "fused_plan.h"
#include "gumbel.h"

namespace gt::gumbel {
namespace {
bool useFused = true;
}  // namespace
void setFusedKernels(bool on) { useFused = on; }
bool fusedKernels() { return useFused; }

namespace {
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Exact one-hot of the argmax along dim; ties go to the index PyTorch's max(dim) returns. A NaN row
// (a NaN logit, or all -inf) stays NaN, as PyTorch's y_hard - y_soft.detach() + y_soft does.
at::Tensor oneHotOfMax(const at::Tensor& y, int64_t dim) {
  auto [value, index] = y.max(dim, /*keepdim=*/true);
  return torch::zeros_like(y, at::MemoryFormat::Contiguous).scatter_(dim, index, 1.0).add_(value.mul(0));
}

struct GumbelSoftmaxFn : public torch::autograd::Function<GumbelSoftmaxFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const OptTensor& noise, double tau, bool hard, int64_t dim) {
    const at::Tensor gumbels = noise.value_or(at::Tensor());
    at::Tensor out, ySoft;
#ifdef GT_WITH_CUDA
    if (logits.is_cuda() && useFused) std::tie(out, ySoft) = cuda::gumbelSoftmaxForward(logits, gumbels, tau, hard, dim);
#endif
    if (!out.defined()) {
      auto g = gumbels.defined() ? gumbels : sampleGumbel(logits.sizes(), logits.options());
      // Same operations, in the same order, as torch.nn.functional.gumbel_softmax.
      ySoft = ((logits + g) / tau).softmax(dim);
      out = hard ? oneHotOfMax(ySoft, dim) : ySoft;
    }
    ctx->save_for_backward({ySoft});
    ctx->saved_data["tau"] = tau;
    ctx->saved_data["dim"] = dim;
    ctx->saved_data["noiseGiven"] = gumbels.defined();
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto y = ctx->get_saved_variables()[0];
    double tau = ctx->saved_data["tau"].toDouble();
    int64_t dim = ctx->saved_data["dim"].toInt();
    const auto& g = grads[0];
    at::Tensor gin;
#ifdef GT_WITH_CUDA
    if (y.is_cuda() && useFused) gin = cuda::gumbelSoftmaxBackward(g, y, tau, dim);
#endif
    // ATen's own softmax backward, then the division by tau, as autograd runs F.gumbel_softmax: the
    // same kernels, so the same bits. Masked (-inf) logits have y = 0 and get exactly zero gradient.
    if (!gin.defined()) gin = at::_softmax_backward_data(g.contiguous(), y, dim, y.scalar_type()) / tau;
    bool noiseGiven = ctx->saved_data["noiseGiven"].toBool();
    return {gin, noiseGiven ? gin : at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

at::Tensor gumbelSoftmax(const at::Tensor& logits, const at::Tensor& gumbels, double tau, bool hard, int64_t dim) {
  TORCH_CHECK(logits.is_floating_point(), "gumbelSoftmax: logits must be floating point, got ", logits.scalar_type());
  // Noise of another dtype: both promoted (differentiably) as F.gumbel_softmax's logits + gumbels
  // promotes them, on every device, before the float16 CPU path or the fused kernels see them.
  if (gumbels.defined() && gumbels.scalar_type() != logits.scalar_type()) {
    const at::ScalarType dtype = fused::computeType(logits, gumbels);
    return gumbelSoftmax(logits.to(dtype), gumbels.to(dtype), tau, hard, dim);
  }
  if (cpuHalf(logits)) return gumbelSoftmax(logits.to(at::kFloat), gumbels.defined() ? gumbels.to(at::kFloat) : gumbels, tau, hard, dim).to(at::kHalf);
  TORCH_CHECK(tau > 0 && std::isfinite(tau), "gumbelSoftmax: tau must be a finite number > 0, got ", tau);
  if (gumbels.defined()) {
    TORCH_CHECK(gumbels.sizes() == logits.sizes(), "gumbelSoftmax: noise shape ", gumbels.sizes(), " does not match logits ", logits.sizes());
    TORCH_CHECK(gumbels.device() == logits.device(), "gumbelSoftmax: noise is on ", gumbels.device(), " but logits on ", logits.device());
  }
  dim = c10::maybe_wrap_dim(dim, logits.dim());
  // No noise: the function draws it.
  return GumbelSoftmaxFn::apply(logits, optTensor(gumbels), tau, hard, dim);
}

at::Tensor oneHotCategorical(const at::Tensor& logits, int64_t dim, bool multinomial) {
  TORCH_CHECK(logits.is_floating_point(), "oneHotCategorical: logits must be floating point, got ", logits.scalar_type());
  if (cpuHalf(logits)) return oneHotCategorical(logits.to(at::kFloat), dim, multinomial).to(at::kHalf);
  dim = c10::maybe_wrap_dim(dim, logits.dim());
  torch::NoGradGuard noGrad;
  auto l = logits.movedim(dim, -1);
  int64_t k = l.size(-1);
  TORCH_CHECK(k > 0, "oneHotCategorical: dim ", dim, " has no categories (size 0)");
  if (l.numel() == 0) return torch::zeros_like(logits);  // an empty batch
  at::Tensor index;
  if (multinomial) {
    // As torch.distributions.OneHotCategorical(logits=...).sample(): normalised logits, softmax,
    // then multinomial over the flattened rows; the same draws as PyTorch for the same seed.
    auto norm = l - l.logsumexp(-1, true);
    auto probs = norm.softmax(-1);
    index = torch::multinomial(probs.reshape({-1, k}), 1, true).reshape(l.sizes().slice(0, l.dim() - 1));
  } else {
#ifdef GT_WITH_CUDA
    // On CUDA the fused kernel's hard output is this draw (argmax of softmax(logits + g) is
    // argmax(logits + g)), in one kernel instead of a dozen.
    if (logits.is_cuda() && useFused) {
      auto out = std::get<0>(cuda::gumbelSoftmaxForward(logits, at::Tensor(), 1.0, /*hard=*/true, dim));
      if (out.defined()) return out;
    }
#endif
    // Gumbel-max: argmax(logits + g) is an exact draw from Categorical(softmax(logits)).
    index = (l + sampleGumbel(l.sizes(), l.options())).argmax(-1);
  }
  // A row with no valid distribution (a NaN, all -inf, or +inf) comes out NaN, as the hard
  // Gumbel-Softmax does: never a clean-looking one-hot. amax * 0 is 0 for every other row.
  auto invalidRows = l.amax(-1, /*keepdim=*/true).mul(0);
  return torch::one_hot(index, k).to(logits.scalar_type()).add_(invalidRows).movedim(-1, dim);
}

}  // namespace gt::gumbel
