// Fused CUDA kernels for Gumbel-Softmax: one warp per row of K categories (K <= 256), the row held
// in registers. Forward: Philox noise (or given noise), tempered softmax, and for hard the argmax and
// one-hot, in one pass over the logits. Backward: the softmax-over-tau gradient in one pass.
// Rows are read and written in place in the contiguous tensor (fused_plan.h: rowLayout, elementIndex),
// so the outputs are plain contiguous tensors of the logits' shape, as the CPU path's ATen softmax
// returns (aten/src/ATen/native/SoftMax.cpp allocates its output contiguous for any dim).
#include <ATen/ATen.h>
#include <ATen/AccumulateType.h>
#include <ATen/Dispatch.h>
#include <ATen/core/PhiloxRNGEngine.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <torch/version.h>
// at::cuda::philox::unpack: ATen/cuda/PhiloxUtils.cuh from LibTorch 2.0 on; 1.13 has only its raw
// definition, detail/UnpackRaw.cuh (which its CUDAGraphsUtils.cuh wraps, with CUDAContext.h and so
// cuSPARSE's headers behind it), included once here after CUDAGeneratorImpl.h defines PhiloxCudaState.
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/cuda/PhiloxUtils.cuh>
#else
#include <ATen/cuda/detail/UnpackRaw.cuh>
#endif
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <mutex>
#include <string>
#include <tuple>
#include "fused_plan.h"

namespace gt::gumbel::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr int kMaxK = kWarp * 8;
static_assert(kMaxK == fused::kMaxK, "fused_plan.h and the kernels agree on the largest K");
using fused::elementIndex;

template <typename T>
__device__ __forceinline__ T warpSum(T v) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
template <typename T>
__device__ __forceinline__ T warpMax(T v) {
  for (int o = kWarp / 2; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

template <typename scalar_t, typename acc_t, int kPerLane>
__global__ void forwardKernel(const scalar_t* __restrict__ logits, const scalar_t* __restrict__ noise,
                              scalar_t* __restrict__ out, scalar_t* __restrict__ ySoft, int64_t rows, int k,
                              int64_t inner, acc_t tau, bool hard, at::PhiloxCudaState philox) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;  // whole warps exit together: rows are warp-uniform
  uint64_t seed = 0, offset = 0;
  if (noise == nullptr) {
    auto seeds = at::cuda::philox::unpack(philox);
    seed = std::get<0>(seeds);
    offset = std::get<1>(seeds);
  }
  acc_t z[kPerLane];
  acc_t m = -INFINITY;
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    z[i] = -INFINITY;
    if (j < k) {
      const int64_t e = elementIndex(row, j, k, inner);
      // In-kernel noise: the element's own Philox subsequence, at the block the call reserved.
      const acc_t g = noise != nullptr ? static_cast<acc_t>(noise[e]) : fused::kernelGumbel<acc_t>(seed, offset, static_cast<uint64_t>(e));
      z[i] = (static_cast<acc_t>(logits[e]) + g) / tau;
      m = max(m, z[i]);
    }
  }
  m = warpMax(m);
  acc_t s = 0;
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    if (j < k) {
      z[i] = exp(z[i] - m);
      s += z[i];
    }
  }
  s = warpSum(s);
  acc_t best = -1;
  int bestJ = k;
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    if (j < k) {
      const scalar_t y = static_cast<scalar_t>(z[i] / s);
      ySoft[elementIndex(row, j, k, inner)] = y;
      const acc_t ya = static_cast<acc_t>(y);
      if (ya > best) {  // strict: the first maximum within a lane
        best = ya;
        bestJ = j;
      }
    }
  }
  if (!hard) return;
  for (int o = kWarp / 2; o > 0; o >>= 1) {  // first maximum across lanes, as max(dim)
    const acc_t ob = __shfl_xor_sync(0xffffffffu, best, o);
    const int oj = __shfl_xor_sync(0xffffffffu, bestJ, o);
    if (ob > best || (ob == best && oj < bestJ)) {
      best = ob;
      bestJ = oj;
    }
  }
  // No maximum found means the row is NaN (a NaN logit, or all -inf): NaN out, as PyTorch's hard
  // y_hard - y_soft.detach() + y_soft gives, never a clean-looking one-hot.
  const acc_t nan = static_cast<acc_t>(NAN);
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    if (j < k) out[elementIndex(row, j, k, inner)] = static_cast<scalar_t>(bestJ == k ? nan : static_cast<acc_t>(j == bestJ ? 1 : 0));
  }
}

template <typename scalar_t, typename acc_t, int kPerLane>
__global__ void backwardKernel(const scalar_t* __restrict__ grad, const scalar_t* __restrict__ y,
                               scalar_t* __restrict__ gin, int64_t rows, int k, int64_t inner, acc_t tau) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  acc_t gv[kPerLane], yv[kPerLane];
  double dot = 0;  // the row's sum(g * y) in double: 1/tau amplifies its rounding
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    gv[i] = 0;
    yv[i] = 0;
    if (j < k) {
      const int64_t e = elementIndex(row, j, k, inner);
      gv[i] = static_cast<acc_t>(grad[e]);
      yv[i] = static_cast<acc_t>(y[e]);
      dot += static_cast<double>(gv[i]) * static_cast<double>(yv[i]);
    }
  }
  dot = warpSum(dot);
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    if (j < k) gin[elementIndex(row, j, k, inner)] = static_cast<scalar_t>(yv[i] * (gv[i] - static_cast<acc_t>(dot)) / tau);
  }
}

struct Launch {
  dim3 grid, block;
};
// One warp per row, kWarpsPerBlock rows per block.
Launch launchFor(int64_t rows) {
  return {dim3(static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock)), dim3(kWarp * kWarpsPerBlock)};
}

int perLane(int64_t k) { return k <= 32 ? 1 : (k <= 64 ? 2 : (k <= 128 ? 4 : 8)); }

template <typename F>
void dispatchPerLane(int64_t k, F&& f) {
  switch (perLane(k)) {
    case 1: f(std::integral_constant<int, 1>()); break;
    case 2: f(std::integral_constant<int, 2>()); break;
    case 4: f(std::integral_constant<int, 4>()); break;
    default: f(std::integral_constant<int, 8>()); break;
  }
}

// After a launch: true when it ran. A failure ATen's kernels survive (no kernel image for this GPU,
// too many resources) disables the fused kernels once, with the reason, and the caller falls back to
// the ATen composition; any other error throws as C10_CUDA_KERNEL_LAUNCH_CHECK would.
bool launched(const char* kernel) {
  const cudaError_t err = cudaGetLastError();  // also clears these non-sticky errors
  if (err == cudaSuccess) return true;
  const bool recoverable = err == cudaErrorNoKernelImageForDevice || err == cudaErrorInvalidDeviceFunction ||
                           err == cudaErrorUnsupportedPtxVersion || err == cudaErrorLaunchOutOfResources ||
                           err == cudaErrorInvalidConfiguration;
  if (!recoverable) C10_CUDA_CHECK(err);
  const std::string reason = std::string(kernel) + ": " + cudaGetErrorString(err);
  if (fused::disableOnce(reason)) TORCH_WARN("gumbel-torch: fused CUDA Gumbel kernels disabled (", reason, "); ATen's kernels compute instead");
  return false;
}

}  // namespace

std::tuple<at::Tensor, at::Tensor> gumbelSoftmaxForward(const at::Tensor& logits, const at::Tensor& gumbels, double tau, bool hard, int64_t dim) {
  const at::ScalarType dtype = fused::computeType(logits, gumbels);
  if (!fused::notFusedReason(logits.sizes(), dim, dtype).empty()) return {at::Tensor(), at::Tensor()};
  c10::cuda::CUDAGuard guard(logits.device());
  const fused::RowLayout layout = fused::rowLayout(logits.sizes(), dim);
  // Promoted as on the CPU; no copy when already contiguous and of that dtype.
  auto x = logits.to(dtype).contiguous();
  at::Tensor g;
  if (gumbels.defined()) g = gumbels.to(dtype).contiguous();
  auto ySoft = at::empty(x.sizes(), x.options());
  auto out = hard ? at::empty(x.sizes(), x.options()) : ySoft;
  at::PhiloxCudaState philox;
  if (!g.defined()) {
    auto defaultGen = at::cuda::detail::getDefaultCUDAGenerator(logits.device().index());
    auto* gen = at::check_generator<at::CUDAGeneratorImpl>(defaultGen);
    std::lock_guard<std::mutex> lock(gen->mutex_);
    philox = gen->philox_cuda_state(fused::kPhiloxNumbersPerElement);
  }
  const Launch launch = launchFor(layout.rows);
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "gumbel_softmax_forward", [&] {
    using acc_t = at::acc_type<scalar_t, true>;
    dispatchPerLane(layout.k, [&](auto perLaneC) {
      forwardKernel<scalar_t, acc_t, decltype(perLaneC)::value><<<launch.grid, launch.block, 0, stream>>>(
          x.data_ptr<scalar_t>(), g.defined() ? g.data_ptr<scalar_t>() : nullptr, out.data_ptr<scalar_t>(), ySoft.data_ptr<scalar_t>(),
          layout.rows, static_cast<int>(layout.k), layout.inner, static_cast<acc_t>(tau), hard, philox);
    });
  });
  if (!launched("gumbel_softmax_forward")) return {at::Tensor(), at::Tensor()};
  return {out, ySoft};
}

at::Tensor gumbelSoftmaxBackward(const at::Tensor& grad, const at::Tensor& ySoft, double tau, int64_t dim) {
  if (!fused::notFusedReason(ySoft.sizes(), dim, ySoft.scalar_type()).empty()) return at::Tensor();
  c10::cuda::CUDAGuard guard(ySoft.device());
  const fused::RowLayout layout = fused::rowLayout(ySoft.sizes(), dim);
  auto g = grad.to(ySoft.scalar_type()).contiguous();
  auto y = ySoft.contiguous();
  auto gin = at::empty(y.sizes(), y.options());
  const Launch launch = launchFor(layout.rows);
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, y.scalar_type(), "gumbel_softmax_backward", [&] {
    using acc_t = at::acc_type<scalar_t, true>;
    dispatchPerLane(layout.k, [&](auto perLaneC) {
      backwardKernel<scalar_t, acc_t, decltype(perLaneC)::value><<<launch.grid, launch.block, 0, stream>>>(
          g.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), gin.data_ptr<scalar_t>(), layout.rows, static_cast<int>(layout.k), layout.inner, static_cast<acc_t>(tau));
    });
  });
  if (!launched("gumbel_softmax_backward")) return at::Tensor();
  return gin;
}

}  // namespace gt::gumbel::cuda
