// CUDA caching-allocator figures for torch.memory() (compiled only with a CUDA LibTorch): every
// device's, and their totals, so memory held on cuda:1 shows as well as on cuda:0. PyTorch reads one
// device per call (torch.cuda.memory_stats(device) in torch/cuda/memory.py, the current one by
// default); memory() takes no device, so it returns them all, each as memory_stats(d) reads it.
#include <ATen/Context.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include "binding/tensor.h"

namespace gt {

namespace {
struct Figures {
  double allocated = 0, reserved = 0, peakAllocated = 0;
};
Napi::Object toObject(Napi::Env env, const Figures& f) {
  auto o = Napi::Object::New(env);
  o.Set("allocatedBytes", f.allocated);
  o.Set("reservedBytes", f.reserved);
  o.Set("peakAllocatedBytes", f.peakAllocated);
  return o;
}
}  // namespace

Napi::Value cudaMemoryStats(Napi::Env env) {
  if (!torch::cuda::is_available()) return env.Undefined();
    // The allocator holds one entry per device once CUDA is initialised; before that (no CUDA tensor
    // yet) a device's stats are out of range. lazyInitDevice replaced lazyInitCUDA in LibTorch 2.x.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 13)
  at::globalContext().lazyInitDevice(at::kCUDA);
#else
  at::globalContext().lazyInitCUDA();
#endif
  const auto n = static_cast<int>(c10::cuda::device_count());
  Figures total;
  auto devices = Napi::Array::New(env, n);
  for (int d = 0; d < n; ++d) {
    // [0]: the aggregate over the allocator's pools (small and large).
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(d));
    Figures f{static_cast<double>(stats.allocated_bytes[0].current), static_cast<double>(stats.reserved_bytes[0].current),
              static_cast<double>(stats.allocated_bytes[0].peak)};
    total.allocated += f.allocated;
    total.reserved += f.reserved;
    total.peakAllocated += f.peakAllocated;  // the sum of each device's peak: an upper bound of the joint peak
    devices.Set(d, toObject(env, f));
  }
  auto o = toObject(env, total);
  o.Set("devices", devices);
  return o;
}

}  // namespace gt
