// Live-tensor accounting and allocator figures. Tensor bytes are reported to V8 as external memory,
// so the garbage collector feels device and host memory held by tensors it has not yet freed.
#include <malloc.h>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include "tensor.h"

namespace gt {
namespace {
std::atomic<int64_t> liveTensors{0};
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
  if (bytes) Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
}

void trackFree(napi_env env, int64_t bytes) noexcept {
  liveTensors--;
  liveBytes -= bytes;
  int64_t ignored;
  // The raw call: node-addon-api's wrapper throws on failure, and this runs inside finalizers.
  if (bytes) napi_adjust_external_memory(env, -bytes, &ignored);
}

void initCpuAllocator();  // allocator.cc

void initAllocator() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Diagnostic knob only: a fixed glibc mmap threshold keeps big tensors out of the heap (flat RSS
    // even where many threads spread allocations over arenas) but measured 4x slower VAE steps, so
    // it is not the default; dispose() releasing the wrapper at once is what keeps loops flat.
    if (const char* t = std::getenv("GT_MMAP_THRESHOLD")) mallopt(M_MMAP_THRESHOLD, std::atoi(t));
    initCpuAllocator();
  });
}

void initMemory(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "memory", {
    auto o = Napi::Object::New(a.env());
    o.Set("liveTensors", static_cast<double>(liveTensors.load()));
    o.Set("liveBytes", static_cast<double>(liveBytes.load()));
    o.Set("peakBytes", static_cast<double>(peakBytes.load()));
#ifdef GT_WITH_CUDA
    o.Set("cuda", cudaMemoryStats(a.env()));
#endif
    return Napi::Value(o);
  });
  GT_DEF(x, "mallocInfo", {
    struct mallinfo2 m = mallinfo2();
    auto o = Napi::Object::New(a.env());
    o.Set("arena", static_cast<double>(m.arena));
    o.Set("mmapped", static_cast<double>(m.hblkhd));
    o.Set("mmapCount", static_cast<double>(m.hblks));
    o.Set("inUse", static_cast<double>(m.uordblks));
    o.Set("free", static_cast<double>(m.fordblks));
    o.Set("topFree", static_cast<double>(m.keepcost));
    char* buf = nullptr; size_t len = 0;
    FILE* f = open_memstream(&buf, &len);
    malloc_info(0, f);
    fclose(f);
    o.Set("xml", std::string(buf, len));
    free(buf);
    return Napi::Value(o);
  });
}

}  // namespace gt
