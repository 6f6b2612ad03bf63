// Argument checks shared by the structure ops: each throws RangeArgError naming the argument.
#pragma once
#include <ATen/ATen.h>
#include <string>

namespace gt::structures {

// tau must be a finite number > 0.
void checkTau(double tau);
// Every entry finite (no NaN, no +-Infinity).
void checkFinite(const at::Tensor& t, const char* name);
// noise: same shape and device as like, finite.
void checkNoise(const at::Tensor& noise, const at::Tensor& like, const char* likeName);
// [..., n, n].
void checkSquare(const at::Tensor& t, const char* name);
// Float16/bfloat16 on CPU are computed in float32 (LibTorch 1.13 lacks some CPU half kernels).
inline bool upcastOnCpu(const at::Tensor& t) { return t.is_cpu() && (t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16); }
inline at::Tensor toFloatIf(const at::Tensor& t, bool up) { return up && t.defined() ? t.to(at::kFloat) : t; }

}  // namespace gt::structures
