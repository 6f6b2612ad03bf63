// Module entry: registers each concept's functions and reports what the build found.
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include "distributed/distributed.h"
#include "ops/rnn.h"
#include "tensor.h"

namespace gt {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
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
    return Napi::Value(o);
  });
  return exports;
}

}  // namespace gt

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return gt::Init(env, exports); }
NODE_API_MODULE(gumbel_torch, InitAddon)
