// Host-side decisions of the fused CUDA kernels (see fused_plan.h); no CUDA here, so every build has them.
#include "fused_plan.h"
#include <c10/core/WrapDimMinimal.h>
#include <mutex>

namespace gt::gumbel::fused {

RowLayout rowLayout(at::IntArrayRef sizes, int64_t dim) {
  if (sizes.empty()) return {1, 1, 1};
  dim = c10::maybe_wrap_dim(dim, static_cast<int64_t>(sizes.size()));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= sizes[d];
  for (size_t d = dim + 1; d < sizes.size(); ++d) inner *= sizes[d];
  return {outer * inner, sizes[dim], inner};
}

at::ScalarType computeType(const at::Tensor& logits, const at::Tensor& noise) {
  return noise.defined() ? at::result_type(logits, noise) : logits.scalar_type();
}

std::string notFusedReason(at::IntArrayRef sizes, int64_t dim, at::ScalarType dtype) {
  const RowLayout l = rowLayout(sizes, dim);
  if (l.rows * l.k == 0) return "empty tensor";
  if (l.k > kMaxK) return "K = " + std::to_string(l.k) + " categories is above the fused kernels' " + std::to_string(kMaxK);
  if (dtype != at::kFloat && dtype != at::kDouble && dtype != at::kHalf && dtype != at::kBFloat16)
    return std::string("dtype ") + c10::toString(dtype) + " has no fused kernel";
  const std::string reason = disabledReason();
  return reason.empty() ? "" : "fused kernels disabled: " + reason;
}

at::Tensor kernelNoise(uint64_t seed, uint64_t offset, int64_t n, bool doublePrecision) {
  TORCH_CHECK(n >= 0, "kernelNoise: n must be >= 0, got ", n);
  auto out = at::empty({n}, at::TensorOptions().dtype(doublePrecision ? at::kDouble : at::kFloat));
  if (doublePrecision) {
    auto* p = out.data_ptr<double>();
    for (int64_t e = 0; e < n; ++e) p[e] = kernelGumbel<double>(seed, offset, static_cast<uint64_t>(e));
  } else {
    auto* p = out.data_ptr<float>();
    for (int64_t e = 0; e < n; ++e) p[e] = kernelGumbel<float>(seed, offset, static_cast<uint64_t>(e));
  }
  return out;
}

namespace {
std::mutex statusMutex;
std::string disabled;  // guarded by statusMutex
}  // namespace

bool disableOnce(const std::string& reason) {
  std::lock_guard<std::mutex> lock(statusMutex);
  if (!disabled.empty()) return false;
  disabled = reason.empty() ? "launch failed" : reason;
  return true;
}

std::string disabledReason() {
  std::lock_guard<std::mutex> lock(statusMutex);
  return disabled;
}

}  // namespace gt::gumbel::fused
