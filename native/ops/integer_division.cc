// Integer division of a type's minimum by -1 overflows, and x86's idiv traps on it: SIGFPE ends the
// process (PyTorch 1.13 dies the same way). Where an integer divisor is -1, the result here is the one
// that needs no division: the quotient is -x (wrapping, as ATen's does on CPUs that do not trap) and
// fmod and remainder are 0. Everything else, and every floating or true division, is ATen's call.
#include "integer_division.h"

namespace gt {
namespace {

at::Tensor plain(const at::Tensor& self, const at::Tensor& other, const std::string& op, const std::string& mode, bool inplace) {
  if (op == "fmod") return inplace ? self.fmod_(other) : self.fmod(other);
  if (op == "remainder") return inplace ? self.remainder_(other) : self.remainder(other);
  if (mode.empty()) return inplace ? self.div_(other) : self.div(other);
  return inplace ? self.div_(other, mode) : self.div(other, mode);
}

// The -1 divisors, where the division would trap; undefined when there is none (the common case).
at::Tensor trappingDivisors(const at::Tensor& self, const at::Tensor& other, const std::string& op, const std::string& mode) {
  if (op == "div" && mode.empty()) return {};  // true division of integers is floating
  const at::ScalarType type = at::result_type(self, other);
  // Unsigned division cannot overflow (a -1 given for uint8 is 255); CUDA does not trap.
  if (!at::isIntegralType(type, /*includeBool=*/false) || !c10::isSignedType(type) || !other.device().is_cpu()) return {};
  at::Tensor minusOne = other.to(type).eq(-1);
  return minusOne.any().item<bool>() ? minusOne : at::Tensor();
}

}  // namespace

at::Tensor integerSafeDivision(const at::Tensor& self, const at::Tensor& other, const std::string& op, const std::string& roundingMode, bool inplace) {
  at::Tensor minusOne = trappingDivisors(self, other, op, roundingMode);
  if (!minusOne.defined()) return plain(self, other, op, roundingMode, inplace);
  at::Tensor result = plain(self, other.masked_fill(minusOne, 1), op, roundingMode, /*inplace=*/false);
  at::Tensor instead = op == "div" ? self.neg().to(result.scalar_type()) : at::zeros({}, result.options());
  result = at::where(minusOne, instead, result);
  return inplace ? self.copy_(result) : result;
}

}  // namespace gt
