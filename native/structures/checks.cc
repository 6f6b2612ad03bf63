// Argument checks shared by the structure ops (one error path: RangeArgError -> JS RangeError).
#include "checks.h"
#include <cmath>
#include <sstream>
#include "binding/error.h"

namespace gt::structures {

void checkTau(double tau) {
  if (!(tau > 0) || !std::isfinite(tau)) {
    std::ostringstream m;
    m << "tau must be a finite number > 0, got " << tau;
    throw RangeArgError(m.str());
  }
}

void checkFinite(const at::Tensor& t, const char* name) {
  if (t.numel() == 0 || !t.is_floating_point()) return;
  if (!t.isfinite().all().item<bool>()) throw RangeArgError(std::string(name) + " has NaN or infinite entries");
}

void checkNoise(const at::Tensor& noise, const at::Tensor& like, const char* likeName) {
  if (noise.sizes() != like.sizes()) {
    std::ostringstream m;
    m << "noise shape " << noise.sizes() << " does not match " << likeName << " shape " << like.sizes();
    throw RangeArgError(m.str());
  }
  if (noise.device() != like.device()) {
    std::ostringstream m;
    m << "noise is on " << noise.device() << " but " << likeName << " on " << like.device();
    throw RangeArgError(m.str());
  }
  if (!noise.is_floating_point()) throw ArgError("noise must be a floating-point tensor");
  checkFinite(noise, "noise");
}

void checkSquare(const at::Tensor& t, const char* name) {
  if (t.dim() < 2 || t.size(-1) != t.size(-2)) {
    std::ostringstream m;
    m << name << " must be square matrices [..., n, n], got shape " << t.sizes();
    throw RangeArgError(m.str());
  }
}

}  // namespace gt::structures
