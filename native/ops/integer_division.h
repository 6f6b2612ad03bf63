// Division, fmod and remainder that never trap (integer_division.cc); called by the op table's entries.
#pragma once
#include <ATen/ATen.h>
#include <string>

namespace gt {

// op: "div" (with roundingMode "trunc" or "floor"; "" is true division), "fmod" or "remainder".
at::Tensor integerSafeDivision(const at::Tensor& self, const at::Tensor& other, const std::string& op, const std::string& roundingMode, bool inplace);

}  // namespace gt
