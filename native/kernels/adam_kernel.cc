// LibTorch's Adam step fused into one pass over memory. LibTorch runs it as eight elementwise ops
// (mul_, add_, mul_, addcmul_, sqrt, div, add_, addcdiv_), each a full pass over the parameter and
// two of them allocating a parameter-sized temporary; here each element is read and written once.
// Every operation rounds exactly where ATen's does, so the result is LibTorch's bit for bit (the
// probe in optim/adam_single_pass.cc checks this on the running CPU before the kernel is used). Built with
// -ffp-contract=off (CMakeLists.txt): the compiler must not fuse a multiply and an add on its own.
#include "adam_kernel.h"
#include <cmath>

namespace gt {
namespace {

// ATen's ops, in order, per element (aten/src/ATen/native: BinaryOpsKernel, ufunc/add.h,
// PointwiseOpsKernel): exp_avg.mul_(b1).add_(g, 1-b1); exp_avg_sq.mul_(b2).addcmul_(g, g, 1-b2);
// denom = (exp_avg_sq.sqrt() / sqrt(bc2)).add_(eps); p.addcdiv_(exp_avg, denom, -step_size).
template <bool AddFma, bool AddcmulFma>
__attribute__((always_inline)) inline void loop(float* __restrict p, const float* __restrict g, float* __restrict m,
                                                float* __restrict v, int64_t n, const AdamCoeffs& c) {
  const AdamCoeffs k = c;
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float m1 = m[i] * k.beta1;
    const float m2 = AddFma ? std::fma(gi, k.oneMinusBeta1, m1) : m1 + k.oneMinusBeta1 * gi;
    const float v1 = v[i] * k.beta2;
    const float sg = k.oneMinusBeta2 * gi;
    const float v2 = AddcmulFma ? std::fma(sg, gi, v1) : v1 + sg * gi;
    const float d = std::sqrt(v2) / k.sqrtBiasCorrection2 + k.eps;
    p[i] = p[i] + k.negStepSize * m2 / d;
    m[i] = m2;
    v[i] = v2;
  }
}

template <bool AddFma, bool AddcmulFma>
void dispatchIsa(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// The same loop compiled for the vector units the CPU has (chosen at run time): the rounding is the
// same in every version, only the width differs.
template <bool A, bool B>
__attribute__((target("avx512f,avx512vl,fma"))) void loopAvx512(float* p, const float* g, float* m, float* v, int64_t n,
                                                                const AdamCoeffs& c) {
  loop<A, B>(p, g, m, v, n, c);
}
template <bool A, bool B>
__attribute__((target("avx2,fma"))) void loopAvx2(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c) {
  loop<A, B>(p, g, m, v, n, c);
}
template <bool A, bool B>
void dispatchIsa(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c) {
  static const int isa = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") ? 2 : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 :
                                                                                                                                                                         0;
  if (isa == 2) return loopAvx512<A, B>(p, g, m, v, n, c);
  if (isa == 1) return loopAvx2<A, B>(p, g, m, v, n, c);
  loop<A, B>(p, g, m, v, n, c);
}
#else
template <bool A, bool B>
void dispatchIsa(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c) {
  loop<A, B>(p, g, m, v, n, c);
}
#endif

}  // namespace

void adamUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamCoeffs& c, AdamRounding r) {
  if (r.addFma && r.addcmulFma) return dispatchIsa<true, true>(p, g, m, v, n, c);
  if (r.addFma) return dispatchIsa<true, false>(p, g, m, v, n, c);
  if (r.addcmulFma) return dispatchIsa<false, true>(p, g, m, v, n, c);
  dispatchIsa<false, false>(p, g, m, v, n, c);
}

}  // namespace gt
