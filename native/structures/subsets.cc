// k-subsets: Xie & Ermon 2019's relaxed top-k, the exact Gumbel-top-k sampler and the Plackett-Luce
// log-probability of an ordered draw. Composed from ATen ops (autograd and CUDA come through ATen).
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>
#include <torch/csrc/autograd/custom_function.h>
#include "binding/error.h"
#include "gumbel/gumbel.h"
#include "checks.h"
#include "structures.h"

namespace gt::structures {
namespace {

// What the checks need from scores with the item dim last: any NaN or +Infinity, the fewest valid
// (not -Infinity) items in a row, and the largest finite magnitude.
struct ItemStats {
  bool bad = false;
  int64_t minValid = std::numeric_limits<int64_t>::max();
  double maxAbs = 0;
};

// One pass over CPU data: for the small tensors these ops see, each ATen reduction's fixed cost would
// be most of the time.
template <typename T>
ItemStats scanRows(const T* d, int64_t rows, int64_t n) {
  ItemStats st;
  for (int64_t r = 0; r < rows; ++r, d += n) {
    int64_t valid = 0;
    for (int64_t j = 0; j < n; ++j) {
      T v = d[j];
      if (std::isnan(v) || v == std::numeric_limits<T>::infinity()) st.bad = true;
      if (v == -std::numeric_limits<T>::infinity()) continue;
      ++valid;
      st.maxAbs = std::max(st.maxAbs, static_cast<double>(std::abs(v)));
    }
    st.minValid = std::min(st.minValid, valid);
  }
  return st;
}

ItemStats itemStats(const at::Tensor& s) {
  at::NoGradGuard noGrad;
  int64_t n = s.size(-1), rows = s.numel() / n;
  if (s.is_cpu() && s.scalar_type() == at::kFloat) return scanRows(s.contiguous().data_ptr<float>(), rows, n);
  if (s.is_cpu() && s.scalar_type() == at::kDouble) return scanRows(s.contiguous().data_ptr<double>(), rows, n);
  ItemStats st;
  st.bad = s.isnan().logical_or(s.isposinf()).any().item<bool>();
  auto masked = s.isneginf();
  st.minValid = masked.logical_not().sum(-1).min().item<int64_t>();
  st.maxAbs = s.masked_fill(masked, 0).abs().max().item<double>();
  return st;
}

// Scores with the item dim last: no NaN or +Infinity (-Infinity masks an item), and at least k items
// that are not masked in every row, so each of the k draws has something to choose. Returns the largest
// finite |score|.
double checkItems(const at::Tensor& s, int64_t k, const char* name) {
  int64_t n = s.size(-1);
  if (k < 1 || k > n) {
    std::ostringstream m;
    m << "k must be in [1, " << n << "] (the number of items), got " << k;
    throw RangeArgError(m.str());
  }
  if (s.numel() == 0) return 0;
  ItemStats st = itemStats(s);
  if (st.bad) throw RangeArgError(std::string(name) + " has NaN or +Infinity entries (-Infinity masks an item)");
  if (st.minValid < k) {
    std::ostringstream m;
    m << "k = " << k << " is larger than the number of valid (not -Infinity) items in a row of " << name << " (" << st.minValid << ")";
    throw RangeArgError(m.str());
  }
  return st.maxAbs;
}

// The Gumbel noise along the last dim: given (moved like the scores) or drawn.
at::Tensor noiseFor(const at::Tensor& scores, const at::Tensor& noise, int64_t dim) {
  if (!noise.defined()) return gumbel::sampleGumbel(scores.sizes(), scores.options()).movedim(dim, -1);
  checkNoise(noise, scores, "scores");
  return noise.to(scores.scalar_type()).movedim(dim, -1);
}

// The largest finite value of a dtype, for the overflow test of s / tau.
double maxOf(at::ScalarType t) {
  switch (t) {
    case at::kDouble: return std::numeric_limits<double>::max();
    case at::kHalf: return 65504.0;
    default: return static_cast<double>(std::numeric_limits<float>::max());
  }
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The relaxed k-hot of perturbed scores s (items last) as one autograd node. Forward: the reference's
// ATen ops. Backward: what autograd computes for that composition, op by op in the same order
// (AddBackward, softmax's backward, DivBackward, LogBackward, maximum's tie-halving rule, RsubBackward),
// so the gradients keep PyTorch's bits without ~7 recorded nodes per round.
struct RelaxedTopKFn : public torch::autograd::Function<RelaxedTopKFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& s1, int64_t k, double tau, bool shift) {
    auto soft = [&](const at::Tensor& t) { return (shift ? t - std::get<0>(t.max(-1, true)) : t).div(tau).softmax(-1); };
    // tiny_f32 as in the reference: log(max(1 - a, tiny)) is finite, so no -inf enters s and no NaN leaves.
    auto tiny = at::scalar_tensor(static_cast<double>(std::numeric_limits<float>::min()), s1.options());
    // Round 1 of the reference masks with log(max(1 - 0, tiny)) = 0: s itself, so it starts from there.
    std::vector<at::Tensor> saved{soft(s1)};  // a_1 .. a_k
    auto s = s1;
    auto khot = saved[0];
    for (int64_t i = 1; i < k; ++i) {
      s = s + at::maximum(at::rsub(saved.back(), 1.0), tiny).log();
      saved.push_back(soft(s));
      khot = khot + saved.back();
    }
    saved.push_back(tiny);
    ctx->save_for_backward(saved);
    ctx->saved_data["tau"] = tau;
    return khot;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    double tau = ctx->saved_data["tau"].toDouble();
    auto tiny = saved.back();
    int64_t k = static_cast<int64_t>(saved.size()) - 1;
    const auto& g = grads[0];
    at::Tensor gsNext;  // the gradient reaching s_{i+1}
    for (int64_t i = k - 1; i >= 0; --i) {
      const auto& a = saved[i];
      auto da = g;
      if (i < k - 1) {
        // s_{i+1} = s_i + log(m), m = maximum(1 - a_i, tiny).
        auto oneMinus = at::rsub(a, 1.0);
        auto m = at::maximum(oneMinus, tiny);
        auto gm = gsNext.div(m);
        auto gmax = at::where(oneMinus == tiny, gm / 2, gm).masked_fill_(oneMinus < tiny, 0);
        da = g + gmax.neg();
      }
      auto gs = at::_softmax_backward_data(da, a, -1, a.scalar_type()).div(tau);
      gsNext = i < k - 1 ? gs + gsNext : gs;
    }
    return {gsNext, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor relaxedTopK(const at::Tensor& scores, const at::Tensor& noise, int64_t k, double tau, bool hard, int64_t dim) {
  if (!scores.is_floating_point()) throw ArgError("scores must be a floating-point tensor");
  // Half precision is computed in float32 on every device: tiny_f32 is 0 in float16, and log(0) would
  // put -inf (and NaN gradients) into s.
  bool half = scores.scalar_type() == at::kHalf || scores.scalar_type() == at::kBFloat16;
  if (half) return relaxedTopK(scores.to(at::kFloat), toFloatIf(noise, true), k, tau, hard, dim).to(scores.scalar_type());
  checkTau(tau);
  dim = c10::maybe_wrap_dim(dim, scores.dim());
  auto s0 = scores.movedim(dim, -1);
  double maxScore = checkItems(s0, k, "scores");
  auto g = noiseFor(scores, noise, dim);
  auto s = s0 + g;
  if (s.numel() == 0) return at::zeros_like(scores);
  // The reference divides s by tau as it is. Where that could overflow (tiny tau, huge scores), the row
  // maximum is subtracted first (detached): the same softmax, never inf - inf. Drawn noise lies in
  // [-6.6, 36.8] (gumbel/noise.cc); given noise is measured.
  double maxNoise = noise.defined() ? g.detach().abs().max().item<double>() : 40.0;
  double bound = maxScore + maxNoise + 88.8 * static_cast<double>(k);  // -log(tiny_f32) = 87.3 per round
  bool shift = !(bound / tau < 0.25 * maxOf(s.scalar_type()));
  auto khot = RelaxedTopKFn::apply(s, k, tau, shift);
  if (hard) {
    // Exactly k ones forward (k-hot of khot's top k); khot - khot.detach() is exactly 0 but carries khot's gradient.
    auto index = std::get<1>(khot.detach().topk(k, -1));
    auto khard = at::zeros_like(khot, at::MemoryFormat::Contiguous).scatter_(-1, index, 1.0);
    khot = khard + (khot - khot.detach());
  }
  return khot.movedim(-1, dim);
}

std::tuple<at::Tensor, at::Tensor> gumbelTopK(const at::Tensor& scores, const at::Tensor& noise, int64_t k, int64_t dim) {
  if (!scores.is_floating_point()) throw ArgError("scores must be a floating-point tensor");
  if (upcastOnCpu(scores)) {
    auto [i, m] = gumbelTopK(scores.to(at::kFloat), toFloatIf(noise, true), k, dim);
    return {i, m.to(scores.scalar_type())};
  }
  at::NoGradGuard noGrad;
  dim = c10::maybe_wrap_dim(dim, scores.dim());
  auto s0 = scores.detach().movedim(dim, -1);
  checkItems(s0, k, "scores");
  // Gumbel-top-k: the k largest perturbed scores, in decreasing order, are an exact draw of k items
  // without replacement (the first is a categorical draw, the rest continue on the remaining items).
  auto s = s0 + noiseFor(scores.detach(), noise.defined() ? noise.detach() : noise, dim);
  auto index = std::get<1>(s.topk(k, -1, /*largest=*/true, /*sorted=*/true));
  auto mask = at::zeros_like(s0, at::MemoryFormat::Contiguous).scatter_(-1, index, 1.0);
  return {index.movedim(-1, dim), mask.movedim(-1, dim)};
}

at::Tensor subsetLogProb(const at::Tensor& scores, const at::Tensor& indices, int64_t dim) {
  if (!scores.is_floating_point()) throw ArgError("scores must be a floating-point tensor");
  if (indices.scalar_type() != at::kLong) throw ArgError("indices must be an int64 tensor");
  if (upcastOnCpu(scores)) return subsetLogProb(scores.to(at::kFloat), indices, dim).to(scores.scalar_type());
  dim = c10::maybe_wrap_dim(dim, scores.dim());
  auto s = scores.movedim(dim, -1);
  if (indices.dim() != scores.dim() || indices.device() != scores.device()) {
    std::ostringstream m;
    m << "indices must have the rank and device of scores (shape " << scores.sizes() << ", k along dim " << dim << "), got shape " << indices.sizes() << " on " << indices.device();
    throw RangeArgError(m.str());
  }
  auto idx = indices.movedim(dim, -1);
  if (idx.sizes().slice(0, idx.dim() - 1) != s.sizes().slice(0, s.dim() - 1)) {
    std::ostringstream m;
    m << "indices shape " << indices.sizes() << " must equal scores shape " << scores.sizes() << " except along dim " << dim;
    throw RangeArgError(m.str());
  }
  int64_t n = s.size(-1), k = idx.size(-1);
  checkItems(s, k, "scores");
  if (s.numel() == 0) return at::zeros(s.sizes().slice(0, s.dim() - 1), s.options());
  {
    at::NoGradGuard noGrad;
    if (idx.lt(0).any().item<bool>() || idx.ge(n).any().item<bool>()) {
      std::ostringstream m;
      m << "indices must be in [0, " << n << ")";
      throw RangeArgError(m.str());
    }
    auto sorted = std::get<0>(idx.sort(-1));
    if (k > 1 && sorted.narrow(-1, 1, k - 1).eq(sorted.narrow(-1, 0, k - 1)).any().item<bool>())
      throw RangeArgError("indices must not repeat an item within a draw (a draw is without replacement)");
  }
  // Step j chooses item i_j among the items not drawn before it: log p = sum_j s[i_j] - logsumexp(s[available_j]).
  // available_j is never empty of valid items (checkItems), so every logsumexp is finite.
  std::vector<int64_t> kn(s.sizes().begin(), s.sizes().end() - 1);
  kn.push_back(k);
  kn.push_back(n);
  auto oneHot = at::zeros(kn, s.options().dtype(at::kInt)).scatter_(-1, idx.unsqueeze(-1), 1);
  auto before = (oneHot.cumsum(-2) - oneHot).to(at::kBool);
  auto available = s.unsqueeze(-2).expand(kn).masked_fill(before, -std::numeric_limits<double>::infinity());
  auto chosen = s.gather(-1, idx);
  return (chosen - available.logsumexp(-1)).sum(-1);
}

}  // namespace gt::structures
