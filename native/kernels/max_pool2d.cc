// F.max_pool2d with a 2 x 2 window and stride 2 (nn.MaxPool2d(2), the common case) on contiguous CPU
// float tensors. LibTorch 1.13's CPU kernel walks each window through generic index arithmetic and
// takes ~20 ns per output: 6.5-10 ms per forward of the jigsaw's pieces, half its training step. This
// one reads the four values of a window directly. It is exact, so it is on by default: the same
// comparisons in the same order as ATen's (a value wins if greater than the best so far or NaN; ties
// keep the first), hence the same values and the same indices, and the backward is ATen's own
// max_pool2d_with_indices_backward given those indices. Every other shape, dtype, layout or device
// goes to at::max_pool2d. setFastMaxPool2d(false) sends everything there (to compare).
#include <torch/csrc/autograd/custom_function.h>
#include <algorithm>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "binding/tensor.h"

namespace gt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool fastMaxPoolEnabled = true;

// Whether the 2 x 2 / stride 2 kernel computes this call (else ATen's does).
bool fastMaxPoolFits(const at::Tensor& x, at::IntArrayRef kernel, at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                     bool ceilMode) {
  auto pair = [](at::IntArrayRef v, int64_t want) { return (v.size() == 1 || v.size() == 2) && v.front() == want && v.back() == want; };
  if (!fastMaxPoolEnabled || !pair(kernel, 2) || !(stride.empty() || pair(stride, 2)) || !pair(padding, 0) || !pair(dilation, 1)) return false;
  if (!x.device().is_cpu() || x.layout() != at::kStrided || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble)) return false;
  // A [N, 1, H, W] tensor with channels-last strides is contiguous too; ATen's output keeps channels-last
  // strides then, which later kernels may read differently, so such inputs stay ATen's.
  if ((x.dim() != 3 && x.dim() != 4) || !x.is_contiguous() || x.numel() == 0 || x.suggest_memory_format() != at::MemoryFormat::Contiguous) return false;
  const int64_t h = x.size(-2), w = x.size(-1);
  // ceil_mode only adds a partial window where a side is odd; below 2 there is no window (ATen's error).
  return h >= 2 && w >= 2 && (!ceilMode || (h % 2 == 0 && w % 2 == 0));
}

// One window, as ATen's loop does it: the first value and index, then each later value wins if it is
// greater than the best so far or NaN (ties keep the earlier). k: the winner's place in the window.
template <typename T>
inline void window(T v0, T v1, T v2, T v3, T& best, int& k) {
  best = v0;
  k = 0;
  if (v1 > best || v1 != v1) best = v1, k = 1;
  if (v2 > best || v2 != v2) best = v2, k = 2;
  if (v3 > best || v3 != v3) best = v3, k = 3;
}

// One output row: `top` and `bottom` are the two input rows of width w, r the output row.
template <typename T>
void poolRow(const T* top, const T* bottom, T* out, int64_t* indices, int64_t ow, int64_t r, int64_t w) {
  int64_t c = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float>) {
    // Four windows at a time, the same selects on every lane: on real data the winner is
    // unpredictable, and the branches of the scalar loop mispredict (10 ns per window here).
    const __m128i one = _mm_set1_epi32(1), two = _mm_set1_epi32(2), three = _mm_set1_epi32(3);
    // Four windows from 8 values of each row; writes n <= 4 of them.
    auto block = [&](const float* t, const float* b, int64_t c0, int n) {
      const __m128 t0 = _mm_loadu_ps(t), t1 = _mm_loadu_ps(t + 4), b0 = _mm_loadu_ps(b), b1 = _mm_loadu_ps(b + 4);
      const __m128 v0 = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)), v1 = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
      const __m128 v2 = _mm_shuffle_ps(b0, b1, _MM_SHUFFLE(2, 0, 2, 0)), v3 = _mm_shuffle_ps(b0, b1, _MM_SHUFFLE(3, 1, 3, 1));
      __m128 best = v0;
      __m128i k = _mm_setzero_si128();
      auto step = [&](__m128 v, __m128i place) {
        const __m128 wins = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_cmpunord_ps(v, v));
        best = _mm_or_ps(_mm_and_ps(wins, v), _mm_andnot_ps(wins, best));
        const __m128i winsI = _mm_castps_si128(wins);
        k = _mm_or_si128(_mm_and_si128(winsI, place), _mm_andnot_si128(winsI, k));
      };
      step(v1, one);
      step(v2, two);
      step(v3, three);
      alignas(16) float values[4];
      alignas(16) int32_t ks[4];
      _mm_store_ps(values, best);
      _mm_store_si128(reinterpret_cast<__m128i*>(ks), k);
      for (int j = 0; j < n; ++j) {
        out[c0 + j] = values[j];
        indices[c0 + j] = 2 * r * w + 2 * (c0 + j) + (ks[j] & 1) + (ks[j] >> 1) * w;
      }
    };
    for (; c + 4 <= ow; c += 4) block(top + 2 * c, bottom + 2 * c, c, 4);
    if (c < ow && ow >= 4) {
      // The last 1-3 windows: the last four again (the overlap is recomputed equal), not past the row.
      block(top + 2 * (ow - 4), bottom + 2 * (ow - 4), ow - 4, 4);
      c = ow;
    } else if (c < ow) {
      // A row of 1-3 windows, through a copy, so that no read passes the row's end.
      const int n = static_cast<int>(ow - c);
      float t[8] = {}, b[8] = {};
      std::copy(top + 2 * c, top + 2 * ow, t);
      std::copy(bottom + 2 * c, bottom + 2 * ow, b);
      block(t, b, c, n);
      c = ow;
    }
  }
#endif
  for (; c < ow; ++c) {
    int k;
    window(top[2 * c], top[2 * c + 1], bottom[2 * c], bottom[2 * c + 1], out[c], k);
    indices[c] = 2 * r * w + 2 * c + (k & 1) + (k >> 1) * w;
  }
}

template <typename T>
void pool(const T* in, T* out, int64_t* indices, int64_t planes, int64_t h, int64_t w) {
  const int64_t oh = h / 2, ow = w / 2;
  // Small inputs stay on the calling thread, as ATen's grain size would keep them.
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / (h * w));
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      for (int64_t r = 0; r < oh; ++r) {
        const T* top = in + p * h * w + 2 * r * w;
        poolRow(top, top + w, out + (p * oh + r) * ow, indices + (p * oh + r) * ow, ow, r, w);
      }
    }
  });
}

// The pooled values and their indices (flat within each plane, as ATen's), for a call that fits.
std::tuple<at::Tensor, at::Tensor> poolWithIndices(const at::Tensor& x) {
  std::vector<int64_t> shape = x.sizes().vec();
  const int64_t h = shape[shape.size() - 2], w = shape[shape.size() - 1];
  shape[shape.size() - 2] = h / 2;
  shape[shape.size() - 1] = w / 2;
  at::Tensor out = at::empty(shape, x.options());
  at::Tensor indices = at::empty(shape, x.options().dtype(at::kLong));
  const int64_t planes = x.numel() / (h * w);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "maxPool2d", [&] {
    pool<scalar_t>(x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), indices.data_ptr<int64_t>(), planes, h, w);
  });
  return {out, indices};
}

struct FastMaxPool2dFn : public torch::autograd::Function<FastMaxPool2dFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, bool ceilMode) {
    auto [out, indices] = poolWithIndices(x);
    ctx->save_for_backward({x, indices});
    ctx->saved_data["ceil"] = ceilMode;
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const bool ceilMode = ctx->saved_data["ceil"].toBool();
    at::Tensor gx = at::max_pool2d_with_indices_backward(grads[0], saved[0], {2, 2}, {2, 2}, {0, 0}, {1, 1}, ceilMode, saved[1]);
    return {gx, at::Tensor()};
  }
};

}  // namespace

at::Tensor maxPool2dOp(const at::Tensor& x, at::IntArrayRef kernel, at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                       bool ceilMode) {
  if (!fastMaxPoolFits(x, kernel, stride, padding, dilation, ceilMode)) return at::max_pool2d(x, kernel, stride, padding, dilation, ceilMode);
  if (!(at::GradMode::is_enabled() && x.requires_grad())) return std::get<0>(poolWithIndices(x));
  return FastMaxPool2dFn::apply(x, ceilMode);
}

void initFastMaxPool(Napi::Env, Napi::Object x) {
  GT_DEF(x, "setFastMaxPool2d", { fastMaxPoolEnabled = a.flag(0); });
  GT_DEF(x, "fastMaxPool2d", { return fastMaxPoolEnabled; });
}

}  // namespace gt
