// Linear layers on oneDNN's sgemm, an explicit opt-in for float32 on the CPU (setFastLinear).
// Debian's LibTorch multiplies matrices with the system BLAS (OpenBLAS, often pinned to AVX2 kernels);
// oneDNN, which the same LibTorch already loads, picks the widest kernels the CPU has (AVX-512 on
// recent x86). The rounding differs from PyTorch's, so it is off by default; its error against
// float64 is bounded in test/fast-linear.test.ts. Where oneDNN's shared library is not loaded (pip
// LibTorch links it statically and hides it), the switch reports it is unavailable.
// oneDNN is not faster everywhere: it runs on LibTorch's OpenMP threads (often 1) while OpenBLAS runs
// its own (all cores), and a CPU without AVX-512 gains little from it. So each new shape [m, k] x [n]
// is measured once (forward and both backward products, each kernel timed in interleaved rounds) and
// the fastest of BLAS, oneDNN on the OpenMP threads, and oneDNN on every core is kept for it.
#include <dlfcn.h>
#include <torch/csrc/autograd/custom_function.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <thread>
#include <tuple>
#include "binding/tensor.h"

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

// OpenMP's thread count, read and set around a oneDNN call that should use every core: libgomp is
// already loaded by LibTorch (looked up as oneDNN is, so the addon does not link OpenMP itself).
struct Omp {
  int (*getMax)() = nullptr;
  void (*setNum)(int) = nullptr;
};
const Omp& omp() {
  static Omp o = [] {
    Omp r;
    for (const char* lib : {"libgomp.so.1", "libomp.so", "libiomp5.so"}) {
      if (void* h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD)) {
        r.getMax = reinterpret_cast<int (*)()>(dlsym(h, "omp_get_max_threads"));
        r.setNum = reinterpret_cast<void (*)(int)>(dlsym(h, "omp_set_num_threads"));
        if (r.getMax && r.setNum) return r;
      }
    }
    return Omp{};
  }();
  return o;
}

// Runs f with OpenMP set to `threads` (0: as it is), restoring the setting after.
template <typename F>
void withThreads(int threads, F&& f) {
  const Omp& o = omp();
  int before = threads > 0 && o.getMax ? o.getMax() : 0;
  if (before > 0 && before != threads) o.setNum(threads);
  try {
    f();
  } catch (...) {
    if (before > 0 && before != threads) o.setNum(before);
    throw;
  }
  if (before > 0 && before != threads) o.setNum(before);
}

// The kernels one Linear shape can run on: BLAS (ATen's own path), or oneDNN on `threads` OpenMP
// threads (0: LibTorch's setting as it is).
enum Kernel { kBlas = 0,
              kOnednn = 1,
              kOnednnAll = 2 };
constexpr const char* kKernelNames[] = {"blas", "onednn", "onednn-all-cores"};
struct Choice {
  Kernel kernel = kOnednn;
  std::array<double, 3> ms{{-1, -1, -1}};  // best time of each kernel measured (-1: not a candidate)
};
std::map<std::tuple<int64_t, int64_t, int64_t>, Choice> choices;
constexpr size_t kMaxShapes = 256;  // past this many distinct shapes, new ones take oneDNN unmeasured

int allCores() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}
int kernelThreads(Kernel k) {
  return k == kOnednnAll ? allCores() : 0;
}

void gemm(char ta, char tb, int64_t m, int64_t n, int64_t k, const at::Tensor& a, int64_t lda, const at::Tensor& b, int64_t ldb,
          float beta, at::Tensor& c) {
  int st = dnnlSgemm()(ta, tb, m, n, k, 1.0f, a.data_ptr<float>(), lda, b.data_ptr<float>(), ldb, beta, c.data_ptr<float>(), c.size(1));
  TORCH_CHECK(st == 0, "oneDNN sgemm failed with status ", st);
}

// y[M,N] = x[M,K] W[N,K]^T + b[N]
at::Tensor forwardGemm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, int threads) {
  const int64_t m = x.size(0), k = x.size(1), n = w.size(0);
  at::Tensor y = b.expand({m, n}).contiguous();
  withThreads(threads, [&] { gemm('N', 'T', m, n, k, x, k, w, k, 1.0f, y); });
  return y;
}

// Times forward + both backward products of one shape on each kernel (no autograd, no generator
// draws: the inputs are constants), best of 5 interleaved rounds after a warmup, and keeps the fastest.
Choice measure(int64_t m, int64_t k, int64_t n) {
  at::NoGradGuard noGrad;
  auto o = at::TensorOptions().dtype(at::kFloat);
  at::Tensor x = at::full({m, k}, 0.5, o), w = at::full({n, k}, 0.25, o), b = at::full({n}, 0.1, o), gy = at::full({m, n}, 0.3, o);
  at::Tensor gx = at::empty({m, k}, o), gw = at::empty({n, k}, o);
  auto run = [&](Kernel kern) {
    if (kern == kBlas) {
      at::linear(x, w, b);
      at::mm(gy, w);
      at::mm(gy.t(), x);
      return;
    }
    forwardGemm(x, w, b, kernelThreads(kern));
    withThreads(kernelThreads(kern), [&] {
      gemm('N', 'N', m, k, n, gy, n, w, k, 0.0f, gx);
      gemm('T', 'N', n, k, m, gy, n, x, k, 0.0f, gw);
    });
  };
  const Omp& om = omp();
  const bool allDiffers = om.getMax && om.getMax() < allCores();
  std::vector<Kernel> kernels{kBlas, kOnednn};
  if (allDiffers) kernels.push_back(kOnednnAll);
  Choice c;
  for (Kernel kern : kernels) run(kern);
  for (int round = 0; round < 5; round++) {
    for (Kernel kern : kernels) {
      auto t0 = std::chrono::steady_clock::now();
      run(kern);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (c.ms[kern] < 0 || ms < c.ms[kern]) c.ms[kern] = ms;
    }
  }
  c.kernel = kBlas;
  for (Kernel kern : kernels)
    if (c.ms[kern] < c.ms[c.kernel]) c.kernel = kern;
  return c;
}

Kernel chooseKernel(int64_t m, int64_t k, int64_t n) {
  auto key = std::make_tuple(m, k, n);
  auto it = choices.find(key);
  if (it != choices.end()) return it->second.kernel;
  if (choices.size() >= kMaxShapes) return kOnednn;
  return choices.emplace(key, measure(m, k, n)).first->second.kernel;
}

struct FastLinearFn : public torch::autograd::Function<FastLinearFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, int64_t threads) {
    ctx->save_for_backward({x, w});
    ctx->saved_data["threads"] = threads;
    return forwardGemm(x, w, b, static_cast<int>(threads));
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const at::Tensor& w = saved[1];
    at::Tensor gy = grads[0].contiguous();
    const int64_t m = x.size(0), k = x.size(1), n = w.size(0);
    const int threads = static_cast<int>(ctx->saved_data["threads"].toInt());
    at::Tensor gx, gw, gb;
    withThreads(threads, [&] {
      if (ctx->needs_input_grad(0)) {  // gx[M,K] = gy[M,N] W[N,K]
        gx = at::empty({m, k}, x.options());
        gemm('N', 'N', m, k, n, gy, n, w, k, 0.0f, gx);
      }
      if (ctx->needs_input_grad(1)) {  // gW[N,K] = gy^T[N,M] x[M,K]
        gw = at::empty({n, k}, w.options());
        gemm('T', 'N', n, k, m, gy, n, x, k, 0.0f, gw);
      }
    });
    if (ctx->needs_input_grad(2)) gb = gy.sum(0);
    return {gx, gw, gb, at::Tensor()};
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
  Kernel kern = chooseKernel(x.size(0), x.size(1), w.size(0));
  if (kern == kBlas) return at::linear(x, w, b);
  return FastLinearFn::apply(x.contiguous(), w.contiguous(), b.contiguous(), static_cast<int64_t>(kernelThreads(kern)));
}

void initFastLinear(Napi::Env, Napi::Object x) {
  GT_DEF(x, "fastLinearAvailable", { return dnnlSgemm() != nullptr; });
  GT_DEF(x, "setFastLinear", {
    bool on = a.flag(0);
    if (on && !dnnlSgemm()) throw ArgError("setFastLinear(true): oneDNN's shared library is not loaded by this LibTorch");
    enabled = on;
  });
  GT_DEF(x, "fastLinear", { return enabled; });
  // The kernel chosen for each shape measured so far, with the times that chose it.
  GT_DEF(x, "fastLinearKernels", {
    Napi::Env env = a.env();
    Napi::Array out = Napi::Array::New(env);
    uint32_t i = 0;
    for (const auto& [key, c] : choices) {
      Napi::Object o = Napi::Object::New(env);
      Napi::Array shape = Napi::Array::New(env, 3);
      shape.Set(0u, static_cast<double>(std::get<0>(key)));
      shape.Set(1u, static_cast<double>(std::get<1>(key)));
      shape.Set(2u, static_cast<double>(std::get<2>(key)));
      o.Set("shape", shape);
      o.Set("kernel", kKernelNames[c.kernel]);
      Napi::Object ms = Napi::Object::New(env);
      for (int kern = 0; kern < 3; kern++)
        if (c.ms[kern] >= 0) ms.Set(kKernelNames[kern], c.ms[kern]);
      o.Set("ms", ms);
      out.Set(i++, o);
    }
    return Napi::Value(out);
  });
  // Forgets the measurements (a test, or a machine whose load changed, measures again).
  GT_DEF(x, "resetFastLinearKernels", { choices.clear(); });
}

}  // namespace gt
