// LibTorch's Adam step on float32 CPU parameters in one pass per parameter (native/kernels/adam_kernel.cc),
// used only where a probe shows that it rounds exactly as LibTorch's Adam does on this CPU.
#pragma once
#include <optional>
#include <vector>
#include <torch/optim/adam.h>
#include "kernels/adam_kernel.h"

namespace gt {

// The rounding under which the kernel reproduces LibTorch's Adam with these options on this CPU, bit
// for bit, or nothing (then LibTorch's own step must be used).
std::optional<AdamRounding> probeAdamRounding(const torch::optim::AdamOptions& opts);

// One step of `adam` with the kernel; returns false, having changed nothing, when a parameter does not
// fit it (not float32 contiguous on the CPU, a sparse gradient, weight decay or amsgrad).
bool adamSinglePassStep(torch::optim::Adam& adam, AdamRounding r);

}  // namespace gt
