// Fused CUDA kernels for Gumbel-Softmax: one warp per row of K categories (K <= 256), the row held
// in registers. Forward: Philox noise (or given noise), tempered softmax, and for hard the argmax and
// one-hot, in one pass over the logits. Backward: the softmax-over-tau gradient in one pass.
#include <ATen/ATen.h>
#include <ATen/AccumulateType.h>
#include <ATen/Dispatch.h>
#include <ATen/core/PhiloxRNGEngine.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <ATen/cuda/PhiloxUtils.cuh>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <mutex>
#include <tuple>

namespace gt::gumbel::cuda {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr int kMaxK = kWarp * 8;

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

// Philox4x32-10 (ATen's engine) on its own subsequence per element. U = (k + 1/2) / 2^b with b = 23
// bits (float) or 52 (double) lies in [2^-(b+1), 1 - 2^-(b+1)], both exactly representable (with 24
// or 53 bits 1 - 2^-(b+1) would round to 1 and give g = inf), so -log(U) > 0 and g is always finite.
template <typename acc_t>
__device__ __forceinline__ acc_t gumbelFromBits(at::Philox4_32& rng) {
  if constexpr (sizeof(acc_t) == 8) {
    const uint64_t hi = rng() >> 6, lo = rng() >> 6;  // 26 + 26 bits
    const double u = (static_cast<double>((hi << 26) | lo) + 0.5) * 2.220446049250313e-16;  // 2^-52
    return -log(-log(u));
  } else {
    const float u = (static_cast<float>(rng() >> 9) + 0.5f) * 1.1920928955078125e-7f;  // 2^-23
    return -logf(-logf(u));
  }
}

template <typename scalar_t, typename acc_t, int kPerLane>
__global__ void forwardKernel(const scalar_t* __restrict__ logits, const scalar_t* __restrict__ noise,
                              scalar_t* __restrict__ out, scalar_t* __restrict__ ySoft, int64_t rows, int k,
                              acc_t tau, bool hard, at::PhiloxCudaState philox) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;  // whole warps exit together: rows are warp-uniform
  const int64_t base = row * k;
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
      acc_t g;
      if (noise != nullptr) {
        g = static_cast<acc_t>(noise[base + j]);
      } else {
        at::Philox4_32 rng(seed, static_cast<uint64_t>(base + j), offset);
        g = gumbelFromBits<acc_t>(rng);
      }
      z[i] = (static_cast<acc_t>(logits[base + j]) + g) / tau;
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
      ySoft[base + j] = y;
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
    if (j < k) out[base + j] = static_cast<scalar_t>(bestJ == k ? nan : static_cast<acc_t>(j == bestJ ? 1 : 0));
  }
}

template <typename scalar_t, typename acc_t, int kPerLane>
__global__ void backwardKernel(const scalar_t* __restrict__ grad, const scalar_t* __restrict__ y,
                               scalar_t* __restrict__ gin, int64_t rows, int k, acc_t tau) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (row >= rows) return;
  const int64_t base = row * k;
  acc_t gv[kPerLane], yv[kPerLane];
  double dot = 0;  // the row's sum(g * y) in double: 1/tau amplifies its rounding
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    gv[i] = 0;
    yv[i] = 0;
    if (j < k) {
      gv[i] = static_cast<acc_t>(grad[base + j]);
      yv[i] = static_cast<acc_t>(y[base + j]);
      dot += static_cast<double>(gv[i]) * static_cast<double>(yv[i]);
    }
  }
  dot = warpSum(dot);
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const int j = lane + i * kWarp;
    if (j < k) gin[base + j] = static_cast<scalar_t>(yv[i] * (gv[i] - static_cast<acc_t>(dot)) / tau);
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

}  // namespace

std::tuple<at::Tensor, at::Tensor> gumbelSoftmaxForward(const at::Tensor& logits, const at::Tensor& gumbels, double tau, bool hard, int64_t dim) {
  const int64_t k = logits.size(dim);
  if (k > kMaxK || logits.numel() == 0) return {at::Tensor(), at::Tensor()};  // ATen handles empty batches
  c10::cuda::CUDAGuard guard(logits.device());
  auto x = logits.movedim(dim, -1).contiguous();
  at::Tensor g;
  if (gumbels.defined()) g = gumbels.to(logits.scalar_type()).movedim(dim, -1).contiguous();
  auto ySoft = at::empty_like(x, at::MemoryFormat::Contiguous);
  auto out = hard ? at::empty_like(x, at::MemoryFormat::Contiguous) : ySoft;
  const int64_t rows = x.numel() / k;
  at::PhiloxCudaState philox;
  if (!g.defined()) {
    auto defaultGen = at::cuda::detail::getDefaultCUDAGenerator(logits.device().index());
    auto* gen = at::check_generator<at::CUDAGeneratorImpl>(defaultGen);
    std::lock_guard<std::mutex> lock(gen->mutex_);
    philox = gen->philox_cuda_state(4);  // one uniform per element, each on its own subsequence
  }
  const Launch launch = launchFor(rows);
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, x.scalar_type(), "gumbel_softmax_forward", [&] {
    using acc_t = at::acc_type<scalar_t, true>;
    dispatchPerLane(k, [&](auto perLaneC) {
      forwardKernel<scalar_t, acc_t, decltype(perLaneC)::value><<<launch.grid, launch.block, 0, stream>>>(
          x.data_ptr<scalar_t>(), g.defined() ? g.data_ptr<scalar_t>() : nullptr, out.data_ptr<scalar_t>(),
          ySoft.data_ptr<scalar_t>(), rows, static_cast<int>(k), static_cast<acc_t>(tau), hard, philox);
    });
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return {out.movedim(-1, dim), ySoft.movedim(-1, dim)};
}

at::Tensor gumbelSoftmaxBackward(const at::Tensor& grad, const at::Tensor& ySoft, double tau, int64_t dim) {
  const int64_t k = ySoft.size(dim);
  if (k > kMaxK || ySoft.numel() == 0) return at::Tensor();
  c10::cuda::CUDAGuard guard(ySoft.device());
  auto g = grad.to(ySoft.scalar_type()).movedim(dim, -1).contiguous();
  auto y = ySoft.movedim(dim, -1).contiguous();
  auto gin = at::empty_like(y, at::MemoryFormat::Contiguous);
  const int64_t rows = y.numel() / k;
  const Launch launch = launchFor(rows);
  auto stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, y.scalar_type(), "gumbel_softmax_backward", [&] {
    using acc_t = at::acc_type<scalar_t, true>;
    dispatchPerLane(k, [&](auto perLaneC) {
      backwardKernel<scalar_t, acc_t, decltype(perLaneC)::value><<<launch.grid, launch.block, 0, stream>>>(
          g.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), gin.data_ptr<scalar_t>(), rows, static_cast<int>(k), static_cast<acc_t>(tau));
    });
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return gin.movedim(-1, dim);
}

}  // namespace gt::gumbel::cuda
