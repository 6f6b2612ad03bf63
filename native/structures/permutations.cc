// Permutations: Mena et al. 2018's log-space Sinkhorn and Gumbel-Sinkhorn, permutation matrices and
// Kendall's tau. Composed from ATen ops (autograd and CUDA come through ATen).
#include <algorithm>
#include <sstream>
#include <vector>
#include <torch/csrc/autograd/custom_function.h>
#include "binding/error.h"
#include "gumbel/gumbel.h"
#include "checks.h"
#include "structures.h"

namespace gt::structures {
namespace {

void checkIters(int64_t iters) {
  if (iters < 1) {
    std::ostringstream m;
    m << "iters must be >= 1, got " << iters;
    throw RangeArgError(m.str());
  }
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The reference's loop (rows, then columns, in log space; exp at the end) as one autograd node: the
// forward runs the same ATen ops, so the same bits, without recording ~10 nodes per half-step; the
// backward of each half-step y = x - logsumexp(x) is g + sum(-g) * exp(y), what autograd computes for
// the composition (SubBackward's -g summed to the logsumexp's shape, then logsumexp_backward), in the
// same order, so the gradients are PyTorch's too.
// x - logsumexp(x, dim) with ATen's logsumexp kernels minus its guard for infinite maxima (the entries
// are checked finite): the same bits with 3 of its 9 kernels fewer, in place where it can.
at::Tensor normalise(const at::Tensor& x, int64_t dim) {
  auto m = x.amax(dim, true);
  return x - (x - m).exp_().sum(dim, true).log_().add_(m);
}

struct LogSinkhornFn : public torch::autograd::Function<LogSinkhornFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logAlpha, int64_t iters) {
    std::vector<at::Tensor> steps;
    steps.reserve(2 * iters);
    at::Tensor x = logAlpha;
    for (int64_t i = 0; i < iters; ++i) {
      x = normalise(x, -1);
      steps.push_back(x);
      x = normalise(x, -2);
      steps.push_back(x);
    }
    ctx->save_for_backward(steps);
    return x.exp();
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto steps = ctx->get_saved_variables();
    auto g = grads[0] * steps.back().exp();
    for (int64_t t = static_cast<int64_t>(steps.size()) - 1; t >= 0; --t) g = g + g.neg().sum(t % 2 ? -2 : -1, true) * steps[t].exp();
    return {g, at::Tensor()};
  }
};

at::Tensor logSinkhorn(const at::Tensor& x, int64_t iters) {
  if (x.numel() == 0) return x.exp();  // an empty batch, or 0 x 0 matrices (amax needs entries)
  return LogSinkhornFn::apply(x, iters);
}

}  // namespace

at::Tensor sinkhorn(const at::Tensor& logAlpha, int64_t iters) {
  if (!logAlpha.is_floating_point()) throw ArgError("logAlpha must be a floating-point tensor");
  checkSquare(logAlpha, "logAlpha");
  checkIters(iters);
  checkFinite(logAlpha, "logAlpha");
  if (upcastOnCpu(logAlpha)) return logSinkhorn(logAlpha.to(at::kFloat), iters).to(logAlpha.scalar_type());
  return logSinkhorn(logAlpha, iters);
}

at::Tensor gumbelSinkhorn(const at::Tensor& logAlpha, const at::Tensor& noise, double tau, int64_t iters) {
  if (!logAlpha.is_floating_point()) throw ArgError("logAlpha must be a floating-point tensor");
  checkSquare(logAlpha, "logAlpha");
  checkIters(iters);
  checkTau(tau);
  checkFinite(logAlpha, "logAlpha");
  if (noise.defined()) checkNoise(noise, logAlpha, "logAlpha");
  bool up = upcastOnCpu(logAlpha);
  auto l = toFloatIf(logAlpha, up);
  auto g = noise.defined() ? noise.to(l.scalar_type()) : gumbel::sampleGumbel(l.sizes(), l.options());
  auto y = logSinkhorn((l + g) / tau, iters);
  return up ? y.to(logAlpha.scalar_type()) : y;
}

at::Tensor permutationMatrix(const at::Tensor& indices, at::ScalarType dtype) {
  if (indices.scalar_type() != at::kLong) throw ArgError("indices must be an int64 tensor");
  if (indices.dim() < 1) throw RangeArgError("indices must have at least one dim [..., n]");
  int64_t n = indices.size(-1);
  if (indices.numel() > 0) {
    auto sorted = std::get<0>(indices.sort(-1));
    if (!sorted.eq(at::arange(n, indices.options())).all().item<bool>())
      throw RangeArgError("indices must hold a permutation of 0..n-1 along the last dim");
  }
  std::vector<int64_t> shape(indices.sizes().begin(), indices.sizes().end());
  shape.push_back(n);
  return at::zeros(shape, indices.options().dtype(dtype)).scatter_(-1, indices.unsqueeze(-1), 1);
}

at::Tensor kendallTau(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes() || a.dim() < 1) {
    std::ostringstream m;
    m << "a and b must have the same shape [..., n], got " << a.sizes() << " and " << b.sizes();
    throw RangeArgError(m.str());
  }
  if (a.device() != b.device()) throw RangeArgError("a and b must be on the same device");
  for (const auto* t : {&a, &b})
    if (t->scalar_type() == at::kBool || t->is_complex()) throw ArgError("a and b must be real-valued tensors");
  checkFinite(a, "a");
  checkFinite(b, "b");
  at::NoGradGuard noGrad;
  // Over all pairs i != j: sign(a_i - a_j) sign(b_i - b_j) sums to 2 (concordant - discordant); the
  // pairs not tied in a (in b) to 2 (n0 - n1) (2 (n0 - n2)). tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)),
  // NaN where a row is all ties, as scipy.stats.kendalltau. Signs come from comparisons (exact for every
  // dtype, no overflow), counted in int64, over blocks of rows i so memory stays O(block x n).
  int64_t n = a.size(-1);
  auto lead = a.sizes().slice(0, a.dim() - 1);
  auto num = at::zeros(lead, a.options().dtype(at::kLong));
  auto untiedA = at::zeros_like(num), untiedB = at::zeros_like(num);
  int64_t rows = n == 0 ? 0 : a.numel() / n;
  int64_t block = std::max<int64_t>(1, (int64_t{1} << 22) / std::max<int64_t>(1, rows * n));
  auto pairSign = [](const at::Tensor& x, int64_t i0, int64_t len) {
    auto xi = x.narrow(-1, i0, len).unsqueeze(-1), xj = x.unsqueeze(-2);
    return xi.gt(xj).to(at::kChar) - xi.lt(xj).to(at::kChar);
  };
  for (int64_t i0 = 0; i0 < n; i0 += block) {
    int64_t len = std::min(block, n - i0);
    auto sa = pairSign(a, i0, len), sb = pairSign(b, i0, len);
    num += (sa * sb).sum({-2, -1});
    untiedA += sa.ne(0).sum({-2, -1});
    untiedB += sb.ne(0).sum({-2, -1});
  }
  auto tau = num.to(at::kDouble) / (untiedA.to(at::kDouble) * untiedB.to(at::kDouble)).sqrt();
  bool dbl = a.scalar_type() == at::kDouble || b.scalar_type() == at::kDouble;
  return tau.to(dbl ? at::kDouble : at::kFloat);
}

}  // namespace gt::structures
