// Host-side decisions of the fused CUDA Gumbel-Softmax kernels (kernels.cu), compiled into every build
// so that CPU tests check them: which calls the kernels take, the dtype they compute in, how a
// contiguous tensor is read as rows of K categories, and which Philox numbers the in-kernel noise reads.
#pragma once
#include <ATen/ATen.h>
#include <ATen/core/PhiloxRNGEngine.h>
#include <c10/macros/Macros.h>
#include <cmath>
#include <cstdint>
#include <string>

namespace gt::gumbel::fused {

// One warp per row, K / 32 categories per lane held in registers.
constexpr int64_t kMaxK = 256;

// A contiguous tensor read as `rows` rows of `k` categories along dim, the categories of a row
// `inner` elements apart (inner = 1 when dim is the last). The kernels write their outputs in the
// same layout, so the outputs are plain contiguous tensors of the logits' shape, never permuted views
// (an in-place op or .view() on them works as on the CPU). A 0-dim tensor is one row of one category.
struct RowLayout {
  int64_t rows;
  int64_t k;
  int64_t inner;
};
RowLayout rowLayout(at::IntArrayRef sizes, int64_t dim);

// The linear index of category j of a row, under rowLayout.
C10_HOST_DEVICE inline int64_t elementIndex(int64_t row, int64_t j, int64_t k, int64_t inner) {
  const int64_t outer = row / inner;
  return (outer * k + j) * inner + (row - outer * inner);
}

// The dtype the kernels compute and return: logits and noise promoted as the CPU path's
// (logits + noise) promotes them, rather than the noise cast to the logits' dtype.
at::ScalarType computeType(const at::Tensor& logits, const at::Tensor& noise);

// Why the fused kernels leave a call to ATen's composition ("" when they take it).
std::string notFusedReason(at::IntArrayRef sizes, int64_t dim, at::ScalarType dtype);

// The generator's philox_cuda_state(n) offset counts 32-bit numbers (curand_init's unit) and is a
// multiple of 4; at::Philox4_32 takes its offset in 128-bit blocks of 4 numbers. PyTorch divides by 4
// where it builds a block-offset Philox from that state: torch/csrc/jit/tensorexpr/cuda_random.h
// (Philox(seed, subsequence, offset) calls incr_n(offset / 4)). Using the offset as blocks read
// block o where the call reserved numbers [o, o + 4), i.e. the block a later op at offset 4o reads.
constexpr uint64_t kPhiloxNumbersPerElement = 4;  // each element reads one block of its own subsequence
C10_HOST_DEVICE inline uint64_t philoxBlock(uint64_t offset) { return offset / 4; }

// Philox4x32-10 (ATen's engine) on the element's own subsequence. U = (k + 1/2) / 2^b with b = 23
// bits (float) or 52 (double) lies in [2^-(b+1), 1 - 2^-(b+1)], both exactly representable (with 24
// or 53 bits 1 - 2^-(b+1) would round to 1 and give g = inf), so -log(U) > 0 and g is always finite.
template <typename acc_t>
C10_HOST_DEVICE inline acc_t gumbelFromBits(at::Philox4_32& rng) {
  if constexpr (sizeof(acc_t) == 8) {
    const uint64_t hi = rng() >> 6, lo = rng() >> 6;  // 26 + 26 bits
    const double u = (static_cast<double>((hi << 26) | lo) + 0.5) * 2.220446049250313e-16;  // 2^-52
    return -::log(-::log(u));
  } else {
    const float u = (static_cast<float>(rng() >> 9) + 0.5f) * 1.1920928955078125e-7f;  // 2^-23
    return -::logf(-::logf(u));
  }
}

// The noise of element e of a call made at generator state (seed, offset).
template <typename acc_t>
C10_HOST_DEVICE inline acc_t kernelGumbel(uint64_t seed, uint64_t offset, uint64_t element) {
  at::Philox4_32 rng(seed, element, philoxBlock(offset));
  return gumbelFromBits<acc_t>(rng);
}

// kernelGumbel for elements 0..n-1, computed on the CPU (float32, or float64 with doublePrecision):
// what the kernel draws, to within the device's log rounding.
at::Tensor kernelNoise(uint64_t seed, uint64_t offset, int64_t n, bool doublePrecision);

// A launch that fails in a way ATen's kernels survive (no kernel image for this GPU, too many
// resources) disables the fused kernels for the process, once, with the reason as a warning.
// Records the first such failure; false when the kernels were disabled already.
bool disableOnce(const std::string& reason);
// "" while the fused kernels may run, else why they were disabled.
std::string disabledReason();

}  // namespace gt::gumbel::fused
