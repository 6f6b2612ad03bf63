// CUDA caching-allocator figures for torch.memory() (compiled only with a CUDA LibTorch).
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#include "../tensor.h"

namespace gt {

Napi::Value cudaMemoryStats(Napi::Env env) {
  if (!torch::cuda::is_available()) return env.Undefined();
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
  auto o = Napi::Object::New(env);
  o.Set("allocatedBytes", static_cast<double>(stats.allocated_bytes[0].current));  // [0]: the aggregate pool
  o.Set("reservedBytes", static_cast<double>(stats.reserved_bytes[0].current));
  o.Set("peakAllocatedBytes", static_cast<double>(stats.allocated_bytes[0].peak));
  return o;
}

}  // namespace gt
