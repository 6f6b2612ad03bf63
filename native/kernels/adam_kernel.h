// One Adam update of float32 CPU memory in a single pass (native/kernels/adam_kernel.cc).
#pragma once
#include <cstdint>

namespace gt {

// The per-element scalars of one step, already rounded to float as ATen's kernels round them.
struct AdamCoeffs {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, sqrtBiasCorrection2, eps, negStepSize;
};

// Where ATen's kernels round: whether add_(grad, alpha) and addcmul_ end in one fused multiply-add
// (vectorised ATen on an FMA CPU) or in a multiply and an add. Which one LibTorch does is found by a
// probe (native/optim/adam_single_pass.cc), never assumed.
struct AdamRounding {
  bool addFma;
  bool addcmulFma;
};

// p, m, v updated in place from g, n elements: LibTorch's Adam (no weight decay, no amsgrad) element by
// element, in its operation order.
void adamUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c, AdamRounding r);

}  // namespace gt
