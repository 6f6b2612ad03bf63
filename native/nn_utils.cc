// torch.nn.utils' clip_grad_norm_, clip_grad_value_, parameters_to_vector and vector_to_parameters,
// op for op as torch 1.13's Python (LibTorch's C++ clip_grad_norm_ differs: it skips the stack for
// one parameter and counts parameters for norm_type 0).
#include "nn_utils.h"
#include <cmath>
#include <limits>
#include <sstream>
#include <ATen/ATen.h>
#include "tensor.h"

namespace gt {
namespace {

std::vector<at::Tensor> gradsOf(const std::vector<at::Tensor>& params) {
  std::vector<at::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  return grads;
}

// clipGradNorm_(params, maxNorm, normType, errorIfNonfinite) -> total norm (a scalar tensor)
Napi::Value ClipGradNorm(const Napi::CallbackInfo& info) {
  return guard(info.Env(), "clipGradNorm_", [&]() -> Napi::Value {
    Args a(info);
    auto grads = gradsOf(a.tensors(0));
    const double maxNorm = a.f64(1), normType = a.f64(2);
    if (grads.empty()) return toJs(info.Env(), at::zeros({}));
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
    if (a.flag(3) && !std::isfinite(total.item<double>())) {
      std::ostringstream m;
      m << "The total norm of order " << normType
        << " for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and "
           "scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false";
      throw std::runtime_error(m.str());
    }
    // Python's `max_norm / tensor` is Tensor.__rtruediv__: reciprocal, then multiply (not a division).
    auto coef = at::clamp((total + 1e-6).reciprocal() * maxNorm, c10::nullopt, 1.0);
    for (auto& g : grads) g.mul_(coef.to(g.device()));
    return toJs(info.Env(), total);
  });
}

// clipGradValue_(params, clipValue)
Napi::Value ClipGradValue(const Napi::CallbackInfo& info) {
  return guard(info.Env(), "clipGradValue_", [&]() -> Napi::Value {
    Args a(info);
    const double c = a.f64(1);
    at::NoGradGuard noGrad;
    for (auto& g : gradsOf(a.tensors(0))) g.clamp_(-c, c);
    return info.Env().Undefined();
  });
}

void checkSameDevice(const std::vector<at::Tensor>& ts, const at::Device& d, const char* what) {
  for (const auto& t : ts)
    if (t.device() != d) throw std::runtime_error(std::string(what) + ": found two parameters on different devices, this is currently not supported.");
}

// parametersToVector(params) -> one flat tensor
Napi::Value ParametersToVector(const Napi::CallbackInfo& info) {
  return guard(info.Env(), "parametersToVector", [&]() -> Napi::Value {
    auto params = Args(info).tensors(0);
    if (params.empty()) throw ArgError("parameters must not be empty");
    checkSameDevice(params, params[0].device(), "parametersToVector");
    std::vector<at::Tensor> flat;
    for (auto& p : params) flat.push_back(p.view(-1));
    return toJs(info.Env(), at::cat(flat));
  });
}

// vectorToParameters(vec, params): each parameter's data becomes its slice of vec, as PyTorch's.
Napi::Value VectorToParameters(const Napi::CallbackInfo& info) {
  return guard(info.Env(), "vectorToParameters", [&]() -> Napi::Value {
    Args a(info);
    auto vec = a.tensor(0);
    auto params = a.tensors(1);
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
    return info.Env().Undefined();
  });
}

}  // namespace

void initNnUtils(Napi::Env env, Napi::Object x) {
  x.Set("clipGradNorm_", Napi::Function::New(env, ClipGradNorm, "clipGradNorm_"));
  x.Set("clipGradValue_", Napi::Function::New(env, ClipGradValue, "clipGradValue_"));
  x.Set("parametersToVector", Napi::Function::New(env, ParametersToVector, "parametersToVector"));
  x.Set("vectorToParameters", Napi::Function::New(env, VectorToParameters, "vectorToParameters"));
}

}  // namespace gt
