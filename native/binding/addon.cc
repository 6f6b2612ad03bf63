// Module entry: registers each concept's functions and reports what the build found.
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include "distributed/distributed.h"
#include "ops/rnn.h"
#include "tensor.h"

namespace gt {
namespace {

// The OpenMP wait settings in the process environment when the addon first loaded, which is when
// libgomp (loaded with LibTorch, just before) read them. A worker thread's process.env is its own
// copy, so what lib/native.ts set there may never have reached libgomp: this is the truth.
struct OpenmpWaitAtLoad {
  std::string policy, spinCount, setBy;
};
const OpenmpWaitAtLoad& openmpWaitAtLoad() {
  static const OpenmpWaitAtLoad seen = [] {
    auto get = [](const char* name) { const char* v = std::getenv(name); return std::string(v ? v : "\x01"); };
    return OpenmpWaitAtLoad{get("OMP_WAIT_POLICY"), get("GOMP_SPINCOUNT"), get("GUMBEL_TORCH_OPENMP_WAIT")};
  }();
  return seen;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  openmpWaitAtLoad();
  initAllocator(env, exports);
  initWarnings(env);
  handles::init(env, exports);
  initTensorConversions(env, exports);
  initOps(env, exports);
  initAutograd(env, exports);
  initMemory(env, exports);
  initOptim(env, exports);
  initSerialize(env, exports);
  initGumbel(env, exports);
  initDistributed(env, exports);
  initDistributedReducer(env, exports);
  initFastLinear(env, exports);
  initFastBce(env, exports);
  initFastMaxPool(env, exports);
  initRnn(env, exports);
  // @internal For tests of the one error path: throws each kind of C++ exception an op can throw.
  GT_DEF(exports, "_throwForTest", {
    auto kind = a.str(0);
    if (kind == "index") TORCH_CHECK_INDEX(false, "test index error");
    if (kind == "value") TORCH_CHECK_VALUE(false, "test value error");
    if (kind == "type") TORCH_CHECK_TYPE(false, "test type error");
    if (kind == "error") TORCH_CHECK(false, "test error");
    throw std::runtime_error("test std error");
  });
  GT_DEF(exports, "buildInfo", {
    auto o = Napi::Object::New(a.env());
    o.Set("torchVersion", GT_TORCH_VERSION);
    o.Set("torchDir", GT_TORCH_DIR);
    o.Set("foundVia", GT_TORCH_FOUND_VIA);
    // The ABI this addon was compiled with; LibTorch's must match or loading fails on symbols.
    o.Set("cxx11Abi", std::to_string(_GLIBCXX_USE_CXX11_ABI));
#ifdef GT_WITH_CUDA
    o.Set("builtWithCuda", true);
#else
    o.Set("builtWithCuda", false);
#endif
    o.Set("config", at::show_config());
    o.Set("parallel", at::get_parallel_info());
    // Unset variables read as null.
    const OpenmpWaitAtLoad& w = openmpWaitAtLoad();
    auto orNull = [&](const std::string& v) { return v == "\x01" ? a.env().Null() : Napi::String::New(a.env(), v); };
    auto wait = Napi::Object::New(a.env());
    wait.Set("OMP_WAIT_POLICY", orNull(w.policy));
    wait.Set("GOMP_SPINCOUNT", orNull(w.spinCount));
    wait.Set("GUMBEL_TORCH_OPENMP_WAIT", orNull(w.setBy));
    o.Set("openmpWaitAtLoad", wait);
    return Napi::Value(o);
  });
  return exports;
}

}  // namespace gt

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return gt::Init(env, exports); }
NODE_API_MODULE(gumbel_torch, InitAddon)
