// Gumbel and logistic noise.
//
// Method: U ~ Uniform[0, 1) from LibTorch's generator (torch.rand, so torch.manualSeed reproduces it),
// drawn in float32 (float64 for float64 results), clamped below to the smallest normal number, then
// g = -log(-log(U)). Since U < 1, -log(U) > 0 and the outer log is finite; since U >= tiny, -log(U)
// is finite. So g lies in [-4.47, 16.64] (float32) and is never +-inf or NaN in any dtype: the
// seed's -log(-log(U + 1e-20) + 1e-20) is the same except at U = 0, and PyTorch's exponential-based
// sampler could return inf (issues 22442, 22557, 101620, 41663). Half and bfloat16 noise is computed
// in float32 and rounded once.
#include <cmath>
#include <limits>
#include "gumbel.h"

namespace gt::gumbel {
namespace {
at::ScalarType computeType(at::ScalarType t) { return t == at::kDouble ? at::kDouble : at::kFloat; }
double tiny(at::ScalarType t) {
  return t == at::kDouble ? std::numeric_limits<double>::min() : static_cast<double>(std::numeric_limits<float>::min());
}
// The largest number below 1: U = 1 (given uniforms may hold it) would give -log(-log(1)) = inf.
double belowOne(at::ScalarType t) {
  return t == at::kDouble ? std::nextafter(1.0, 0.0) : static_cast<double>(std::nextafter(1.0f, 0.0f));
}
}  // namespace

at::Tensor gumbelFromUniform(const at::Tensor& u, bool seedFormula, double eps) {
  TORCH_CHECK(u.is_floating_point(), "uniforms must be a floating-point tensor, got ", u.scalar_type());
  auto ct = computeType(u.scalar_type());
  auto uc = u.to(ct);
  if (seedFormula) return (-(-(uc + eps).log() + eps).log()).to(u.scalar_type());
  return (-(-uc.clamp(tiny(ct), belowOne(ct)).log()).log()).to(u.scalar_type());
}

at::Tensor sampleGumbel(at::IntArrayRef shape, const at::TensorOptions& opts) {
  auto ct = computeType(c10::typeMetaToScalarType(opts.dtype()));
  TORCH_CHECK(at::isFloatingType(c10::typeMetaToScalarType(opts.dtype())), "Gumbel noise needs a floating-point dtype");
  auto u = torch::rand(shape, opts.dtype(ct));
  return gumbelFromUniform(u, false, 0).to(opts.dtype());
}

at::Tensor logisticFromUniform(const at::Tensor& u) {
  TORCH_CHECK(u.is_floating_point(), "uniforms must be a floating-point tensor, got ", u.scalar_type());
  auto ct = computeType(u.scalar_type());
  // torch.distributions' clamp_probs: [eps, 1 - eps] of the dtype.
  double eps = ct == at::kDouble ? std::numeric_limits<double>::epsilon() : static_cast<double>(std::numeric_limits<float>::epsilon());
  auto uc = u.to(ct).clamp(eps, 1 - eps);
  return (uc.log() - (-uc).log1p()).to(u.scalar_type());
}

at::Tensor sampleLogistic(at::IntArrayRef shape, const at::TensorOptions& opts) {
  auto st = c10::typeMetaToScalarType(opts.dtype());
  TORCH_CHECK(at::isFloatingType(st), "logistic noise needs a floating-point dtype");
  return logisticFromUniform(torch::rand(shape, opts.dtype(computeType(st)))).to(st);
}

}  // namespace gt::gumbel
