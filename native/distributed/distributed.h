// torch.distributed on LibTorch's c10d: the process group of this process (Gloo on CPU, NCCL with a
// CUDA LibTorch) over a TCPStore rendezvous. distributed.cc owns it; distributed_reducer.cc (the
// gradient reducer behind DistributedDataParallel) runs its collectives through it.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <functional>
#include <string>

// Distributed support needs c10d's headers and at least one backend's (gloo's, or NCCL's with CUDA);
// CMake (cmake/Distributed.cmake) defines GT_WITH_GLOO / GT_WITH_NCCL when it finds them.
#if defined(GT_WITH_GLOO) || defined(GT_WITH_NCCL)
#define GT_WITH_C10D 1
#include <torch/csrc/distributed/c10d/Work.hpp>
#endif

namespace gt {

void initDistributed(Napi::Env env, Napi::Object exports);
void initDistributedReducer(Napi::Env env, Napi::Object exports);

#ifdef GT_WITH_C10D
namespace dist {

int rank();
int worldSize();

// Launches a collective on the active group (`what` names it in errors, e.g. "allReduce").
// Throws when no group is initialised.
c10::intrusive_ptr<c10d::Work> allReduceSum(const char* what, std::vector<at::Tensor>& tensors);

// Waits for a collective; a failure becomes an error that names the ranks which stopped responding
// (found through the rendezvous store's heartbeats) and keeps the backend's message as the cause.
void wait(const char* what, const c10::intrusive_ptr<c10d::Work>& work);

}  // namespace dist
#endif

}  // namespace gt
