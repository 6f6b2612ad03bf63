// Live-tensor accounting and allocator figures. Tensor bytes are reported to V8 as external memory,
// so the garbage collector feels device and host memory held by tensors it has not yet freed.
#include <atomic>
#include "binding/tensor.h"

namespace gt {
namespace {
std::atomic<int64_t> liveTensors{0};
// What V8 is told a tensor holds beyond its data: 1 KiB, about twice its real bookkeeping (TensorImpl,
// StorageImpl, the allocation's header: ~500 bytes). FinalizationRegistry targets are freed only by
// full collections, and a loop of forgotten tiny tensors (a 12-byte [3]) gave the GC too little
// external memory to start them: 384k such tensors piled up between two, against 27k with this.
constexpr int64_t kTensorOverheadBytes = 1024;
std::atomic<int64_t> liveBytes{0};
std::atomic<int64_t> peakBytes{0};
}  // namespace

#ifdef GT_WITH_CUDA
Napi::Value cudaMemoryStats(Napi::Env env);  // cuda/memory.cc
#endif

void trackAlloc(Napi::Env env, int64_t bytes) {
  liveTensors++;
  int64_t now = liveBytes += bytes;
  int64_t peak = peakBytes.load();
  while (now > peak && !peakBytes.compare_exchange_weak(peak, now)) {
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes + kTensorOverheadBytes);
}

void trackFree(napi_env env, int64_t bytes) noexcept {
  liveTensors--;
  liveBytes -= bytes;
  int64_t ignored;
  // The raw call: node-addon-api's wrapper throws on failure, and this runs inside finalizers.
  if (env) napi_adjust_external_memory(env, -(bytes + kTensorOverheadBytes), &ignored);
}

void initMemory(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "memory", {
    auto o = Napi::Object::New(a.env());
    o.Set("liveTensors", static_cast<double>(liveTensors.load()));
    o.Set("liveBytes", static_cast<double>(liveBytes.load()));
    o.Set("peakBytes", static_cast<double>(peakBytes.load()));
    o.Set("cpuCachedBytes", static_cast<double>(cpuCachedBytes()));
#ifdef GT_WITH_CUDA
    o.Set("cuda", cudaMemoryStats(a.env()));
#endif
    return Napi::Value(o);
  });
}

}  // namespace gt
