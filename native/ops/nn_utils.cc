// torch.nn.utils' clip_grad_norm_, clip_grad_value_, parameters_to_vector and vector_to_parameters,
// op for op as torch 1.13's Python (LibTorch's C++ clip_grad_norm_ differs: it skips the stack for
// one parameter and counts parameters for norm_type 0).
#include "nn_utils.h"
#include <cmath>
#include <limits>
#include <sstream>
#include <ATen/ATen.h>
#include "binding/error.h"

namespace gt {
namespace {

std::vector<at::Tensor> gradsOf(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  return grads;
}

void checkSameDevice(const std::vector<at::Tensor>& ts, const at::Device& d, const char* what) {
  for (const auto& t : ts)
    if (t.device() != d) throw std::runtime_error(std::string(what) + ": found two parameters on different devices, this is currently not supported.");
}

}  // namespace

// clipGradNorm_(params, maxNorm, normType, errorIfNonfinite) -> total norm (a scalar tensor)
at::Tensor clipGradNorm(const std::vector<at::Tensor>& params, double maxNorm, double normType, bool errorIfNonfinite) {
  auto grads = gradsOf(params);
  if (grads.empty()) return at::zeros({});
  at::NoGradGuard noGrad;
  const auto device = grads[0].device();
  at::Tensor total;
  std::vector<at::Tensor> norms;
  if (normType == std::numeric_limits<double>::infinity()) {
    for (auto& g : grads) norms.push_back(g.abs().max().to(device));
    total = norms.size() == 1 ? norms[0] : at::stack(norms).max();
  } else {
    // torch.norm(t, p) with no dim is _VF.norm(t, p, dim=all dims), which reduces in its own order.
    auto norm = [&](const at::Tensor& t) {
      std::vector<int64_t> dims(t.dim());
      for (int64_t d = 0; d < t.dim(); ++d) dims[d] = d;
      return at::norm(t, at::Scalar(normType), dims, false);
    };
    for (auto& g : grads) norms.push_back(norm(g).to(device));
    total = norm(at::stack(norms));
  }
  if (errorIfNonfinite && !std::isfinite(total.item<double>())) {
    std::ostringstream m;
    m << "The total norm of order " << normType
      << " for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and "
         "scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false";
    throw std::runtime_error(m.str());
  }
  // Python's `max_norm / tensor` is Tensor.__rtruediv__: reciprocal, then multiply (not a division).
  auto coef = at::clamp((total + 1e-6).reciprocal() * maxNorm, c10::nullopt, 1.0);
  for (auto& g : grads) g.mul_(coef.to(g.device()));
  return total;
}

// clipGradValue_(params, clipValue)
void clipGradValue(const std::vector<at::Tensor>& params, double c) {
  at::NoGradGuard noGrad;
  for (auto& g : gradsOf(params)) g.clamp_(-c, c);
}

// parametersToVector(params) -> one flat tensor
at::Tensor parametersToVector(const std::vector<at::Tensor>& params) {
  if (params.empty()) throw ArgError("parameters must not be empty");
  checkSameDevice(params, params[0].device(), "parametersToVector");
  std::vector<at::Tensor> flat;
  for (auto& p : params) flat.push_back(p.view(-1));
  return at::cat(flat);
}

// vectorToParameters(vec, params): each parameter's data becomes its slice of vec, as PyTorch's.
void vectorToParameters(const at::Tensor& vec, const std::vector<at::Tensor>& params) {
  if (vec.dim() != 1) throw ArgError("vec must be a 1-D tensor");
  int64_t total = 0;
  for (auto& p : params) total += p.numel();
  if (total != vec.numel()) {
    std::ostringstream m;
    m << "vec has " << vec.numel() << " elements, the parameters " << total;
    throw RangeArgError(m.str());
  }
  checkSameDevice(params, vec.device(), "vectorToParameters");
  for (auto& p : params)
    if (p.scalar_type() != vec.scalar_type()) throw ArgError("vec's dtype differs from a parameter's");
  int64_t at = 0;
  for (auto& p : params) {
    p.set_data(vec.slice(0, at, at + p.numel()).view_as(p).data());
    at += p.numel();
  }
}

}  // namespace gt
