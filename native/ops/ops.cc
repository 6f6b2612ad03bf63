// The natives that are not tensor ops (global state: seeds, generator state, threads, CUDA), and the
// helpers of the op table's C++. The tensor ops are in lib/op-table.ts, registered by the generated
// native/ops/ops.gen.cc; adding an op is one table entry (README, "How to add an op").
#include <torch/cuda.h>
#include <mutex>
#include "op_support.h"

namespace gt {

int64_t reductionEnum(const std::string& r) {
  if (r == "none") return at::Reduction::None;
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  throw ArgError("reduction must be 'none', 'mean' or 'sum', got '" + r + "'");
}

// where's number operands, as PyTorch's where.Scalar*: the result dtype follows the wrapped-number
// rules, and a number is converted to it on the condition's device, checked for overflow.
at::Tensor whereOp(const at::Tensor& condition, const at::Tensor& input, const at::Tensor& other) {
  auto dtype = at::result_type(input, other);
  auto side = [&](const at::Tensor& t) { return isNumber(t) ? at::scalar_tensor(t.item(), at::device(condition.device()).dtype(dtype)) : t; };
  return torch::where(condition, side(input), side(other));
}

// torch.unique: the values, or [values, inverse?, counts?] as PyTorch's tuple.
Napi::Value uniqueOp(Napi::Env env, const at::Tensor& self, bool sorted, bool inverse, bool counts, c10::optional<int64_t> dim) {
  auto [values, inv, cnt] = dim ? at::unique_dim(self, *dim, sorted, inverse, counts) : at::_unique2(self, sorted, inverse, counts);
  if (!inverse && !counts) return toJs(env, values);
  std::vector<at::Tensor> out{values};
  if (inverse) out.push_back(inv);
  if (counts) out.push_back(cnt);
  return toJs(env, out);
}

// tensordot(a, b, n)'s dims: the last n of a, the first n of b.
std::vector<int64_t> lastDims(const at::Tensor& t, int64_t n) {
  if (n < 0 || n > t.dim()) throw RangeArgError("dims must be in [0, " + std::to_string(t.dim()) + "], got " + std::to_string(n));
  std::vector<int64_t> d(n);
  for (int64_t i = 0; i < n; ++i) d[i] = t.dim() - n + i;
  return d;
}
std::vector<int64_t> firstDims(const at::Tensor& t, int64_t n) {
  if (n < 0 || n > t.dim()) throw RangeArgError("dims must be in [0, " + std::to_string(t.dim()) + "], got " + std::to_string(n));
  std::vector<int64_t> d(n);
  for (int64_t i = 0; i < n; ++i) d[i] = i;
  return d;
}

std::string tooManyArguments(const OpSig& sig, size_t given) {
  std::string names;
  for (size_t i = 1; i < sig.names.size(); ++i) names += (i > 1 ? ", " : "") + sig.names[i];
  return "expected at most " + std::to_string(sig.arity()) + " arguments (" + names + "), got " + std::to_string(given);
}

void initOps(Napi::Env env, Napi::Object x) {
  initOpTable(env, x);

  // Global state.
  GT_DEF(x, "manualSeed", { torch::manual_seed(static_cast<uint64_t>(a.i64(0))); });
  // Generator state (a uint8 tensor), for checkpoints that resume the exact random stream.
  GT_DEF(x, "getRngState", {
    auto gen = at::globalContext().defaultGenerator(a.device(0));
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  });
  GT_DEF(x, "setRngState", {
    auto gen = at::globalContext().defaultGenerator(a.device(1));
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(a.tensor(0));
  });
  GT_DEF(x, "initialSeed", { return static_cast<int64_t>(at::detail::getDefaultCPUGenerator().current_seed()); });
  GT_DEF(x, "setNumThreads", { torch::set_num_threads(static_cast<int>(a.i64(0))); });
  GT_DEF(x, "getNumThreads", { return static_cast<int64_t>(torch::get_num_threads()); });
  GT_DEF(x, "cudaIsAvailable", { return torch::cuda::is_available(); });
  GT_DEF(x, "cudaDeviceCount", { return static_cast<int64_t>(torch::cuda::device_count()); });
  GT_DEF(x, "cudaSynchronize", { torch::cuda::synchronize(a.i64(0, -1)); });
}

}  // namespace gt
