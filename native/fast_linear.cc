// Linear layers on oneDNN's sgemm, an explicit opt-in for float32 on the CPU (setFastLinear).
// Debian's LibTorch multiplies matrices with the system BLAS (OpenBLAS, often pinned to AVX2 kernels);
// oneDNN, which the same LibTorch already loads, picks the widest kernels the CPU has (AVX-512 on
// recent x86). The rounding differs from PyTorch's, so it is off by default; its error against
// float64 is bounded in test/fast-linear.test.ts. Where oneDNN's shared library is not loaded (pip
// LibTorch links it statically and hides it), the switch reports it is unavailable.
#include <dlfcn.h>
#include <torch/csrc/autograd/custom_function.h>
#include "tensor.h"

namespace gt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// dnnl_sgemm from oneDNN's C API (dnnl.h, stable across oneDNN 1.x-3.x): row-major
// C = alpha * op(A) * op(B) + beta * C.
using SgemmFn = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                        const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

SgemmFn dnnlSgemm() {
  // Node opens addons without RTLD_GLOBAL, so look inside the copy LibTorch already loaded.
  static SgemmFn fn = [] {
    for (const char* lib : {"libdnnl.so.3", "libdnnl.so.2", "libdnnl.so.1"}) {
      if (void* h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD)) return reinterpret_cast<SgemmFn>(dlsym(h, "dnnl_sgemm"));
    }
    return static_cast<SgemmFn>(nullptr);
  }();
  return fn;
}

bool enabled = false;

void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const at::Tensor& a, int64_t lda, const at::Tensor& b, int64_t ldb,
          float beta, at::Tensor& c) {
  int st = dnnlSgemm()(ta, tb, m, n, k, 1.0f, a.data_ptr<float>(), lda, b.data_ptr<float>(), ldb, beta, c.data_ptr<float>(), c.size(1));
  TORCH_CHECK(st == 0, "oneDNN sgemm failed with status ", st);
}

// y[M,N] = x[M,K] W[N,K]^T + b[N]
at::Tensor forwardGemm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  const int64_t m = x.size(0), k = x.size(1), n = w.size(0);
  at::Tensor y = b.expand({m, n}).contiguous();
  gemm('N', 'T', m, n, k, x, k, w, k, 1.0f, y);
  return y;
}

struct FastLinearFn : public torch::autograd::Function<FastLinearFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    ctx->save_for_backward({x, w});
    return forwardGemm(x, w, b);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& w = saved[1];
    at::Tensor gy = grads[0].contiguous();
    const int64_t m = x.size(0), k = x.size(1), n = w.size(0);
    at::Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) {  // gx[M,K] = gy[M,N] W[N,K]
      gx = at::empty({m, k}, x.options());
      gemm('N', 'N', m, k, n, gy, n, w, k, 0.0f, gx);
    }
    if (ctx->needs_input_grad(1)) {  // gW[N,K] = gy^T[N,M] x[M,K]
      gw = at::empty({n, k}, w.options());
      gemm('T', 'N', n, k, m, gy, n, x, k, 0.0f, gw);
    }
    if (ctx->needs_input_grad(2)) gb = gy.sum(0);
    return {gx, gw, gb};
  }
};

bool fastLinearFits(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  auto f32cpu = [](const at::Tensor& t) { return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided; };
  // Without a bias ATen's path is kept: autograd Functions take defined tensors only.
  return enabled && b.defined() && x.dim() == 2 && w.dim() == 2 && b.dim() == 1 && x.size(1) == w.size(1) &&
         b.size(0) == w.size(0) && f32cpu(x) && f32cpu(w) && f32cpu(b) && x.numel() > 0 && w.numel() > 0;
}

}  // namespace

// The linear op's one entry point: oneDNN when switched on and the operands fit, else ATen's.
at::Tensor linearOp(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  if (!fastLinearFits(x, w, b)) return at::linear(x, w, b);
  return FastLinearFn::apply(x.contiguous(), w.contiguous(), b.contiguous());
}

void initFastLinear(Napi::Env, Napi::Object x) {
  GT_DEF(x, "fastLinearAvailable", { return dnnlSgemm() != nullptr; });
  GT_DEF(x, "setFastLinear", {
    bool on = a.flag(0);
    if (on && !dnnlSgemm()) throw ArgError("setFastLinear(true): oneDNN's shared library is not loaded by this LibTorch");
    enabled = on;
  });
  GT_DEF(x, "fastLinear", { return enabled; });
}

}  // namespace gt
