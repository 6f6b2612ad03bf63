// Every tensor op, one entry each. Arguments arrive already checked by lib/; LibTorch checks the rest
// and its errors come back through guard(). Adding an op is one GT_DEF line.
#include <ATen/core/Reduction.h>
#include <torch/cuda.h>
#include <mutex>
#include "tensor.h"

namespace gt {
namespace {

int64_t reduction(const std::string& r) {
  if (r == "none") return at::Reduction::None;
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  throw ArgError("reduction must be 'none', 'mean' or 'sum', got '" + r + "'");
}

c10::optional<at::ScalarType> optDtype(const Args& a, size_t i) {
  if (!a.has(i)) return c10::nullopt;
  return a.dtype(i);
}

}  // namespace

void initOps(Napi::Env env, Napi::Object x) {
  // Creation. Shapes are int arrays; (dtype, device) default to float32 on cpu.
  GT_DEF(x, "zeros", { return torch::zeros(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "ones", { return torch::ones(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "empty", { return torch::empty(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "full", { return torch::full(a.ints(0), a.scalar(1), a.options(2, 3)); });
  GT_DEF(x, "rand", { return torch::rand(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "randn", { return torch::randn(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "randint", {
    auto opts = a.has(3) ? a.options(3, 4) : a.options(3, 4).dtype(at::kLong);
    return torch::randint(a.i64(0), a.i64(1), a.ints(2), opts);
  });
  GT_DEF(x, "randperm", {
    auto opts = a.has(1) ? a.options(1, 2) : a.options(1, 2).dtype(at::kLong);
    return torch::randperm(a.i64(0), opts);
  });
  GT_DEF(x, "arange", {
    // No dtype: PyTorch's inference (int64 for integral bounds, else the default float).
    auto opts = at::TensorOptions().device(a.device(4));
    if (a.has(3)) opts = opts.dtype(a.dtype(3));
    return torch::arange(a.scalar(0), a.scalar(1), a.scalar(2), opts);
  });
  GT_DEF(x, "scalarTensor", { return torch::scalar_tensor(a.scalar(0), a.options(1, 2)); });
  GT_DEF(x, "eye", { return torch::eye(a.i64(0), a.options(1, 2)); });
  GT_DEF(x, "zerosLike", { return torch::zeros_like(a.tensor(0)); });
  GT_DEF(x, "onesLike", { return torch::ones_like(a.tensor(0)); });
  GT_DEF(x, "randLike", { return torch::rand_like(a.tensor(0)); });
  GT_DEF(x, "randnLike", { return torch::randn_like(a.tensor(0)); });
  GT_DEF(x, "bernoulli", { return torch::bernoulli(a.tensor(0)); });

  // In-place fills and random fills (used by initialisers).
  GT_DEF(x, "uniform_", { return a.tensor(0).uniform_(a.f64(1), a.f64(2)); });
  GT_DEF(x, "normal_", { return a.tensor(0).normal_(a.f64(1), a.f64(2)); });
  GT_DEF(x, "zero_", { return a.tensor(0).zero_(); });
  GT_DEF(x, "fill_", { return a.tensor(0).fill_(a.scalar(1)); });
  GT_DEF(x, "copy_", { return a.tensor(0).copy_(a.tensor(1)); });

  // Conversion and copies.
  GT_DEF(x, "to", {
    at::Tensor t = a.tensor(0);
    auto dt = a.has(1) ? a.dtype(1) : t.scalar_type();
    auto dev = a.has(2) ? a.device(2) : t.device();
    return t.to(dev, dt, a.flag(3, false));
  });
  GT_DEF(x, "contiguous", { return a.tensor(0).contiguous(); });
  GT_DEF(x, "clone", { return a.tensor(0).clone(); });
  GT_DEF(x, "detach", { return a.tensor(0).detach(); });
  // PyTorch's param.data = new: the same tensor (and every handle on it) now holds new's data.
  GT_DEF(x, "setData", { a.tensor(0).set_data(a.tensor(1)); });

  // Arithmetic: the second operand is a tensor or a number (Args::operand: PyTorch's wrapped numbers).
  GT_DEF(x, "add", { return a.tensor(0).add(a.operand(1), a.scalar(2, 1)); });
  GT_DEF(x, "sub", { return a.tensor(0).sub(a.operand(1), a.scalar(2, 1)); });
  GT_DEF(x, "mul", { return a.tensor(0).mul(a.operand(1)); });
  GT_DEF(x, "div", { return a.tensor(0).div(a.operand(1)); });
  // pow keeps PyTorch's Scalar overload for a number exponent: x.pow(2) in Python takes it, with its
  // exact fast paths (square, sqrt, reciprocal) and its own gradient formula.
  GT_DEF(x, "pow", { auto t = a.tensor(0); return a.isTensor(1) ? t.pow(a.tensor(1)) : t.pow(a.scalar(1)); });
  GT_DEF(x, "rsub", { return torch::rsub(a.tensor(0), a.operand(1)); });
  GT_DEF(x, "add_", { return a.tensor(0).add_(a.operand(1), a.scalar(2, 1)); });
  GT_DEF(x, "sub_", { return a.tensor(0).sub_(a.operand(1), a.scalar(2, 1)); });
  GT_DEF(x, "mul_", { return a.tensor(0).mul_(a.operand(1)); });
  GT_DEF(x, "div_", { return a.tensor(0).div_(a.operand(1)); });
  GT_DEF(x, "neg", { return a.tensor(0).neg(); });
  GT_DEF(x, "matmul", { return a.tensor(0).matmul(a.tensor(1)); });
  GT_DEF(x, "addmm", { return torch::addmm(a.tensor(0), a.tensor(1), a.tensor(2), a.scalar(3, 1), a.scalar(4, 1)); });
  GT_DEF(x, "linear", { return linearOp(a.tensor(0), a.tensor(1), a.optTensor(2).value_or(at::Tensor())); });

  // Elementwise functions.
  GT_DEF(x, "exp", { return a.tensor(0).exp(); });
  GT_DEF(x, "log", { return a.tensor(0).log(); });
  GT_DEF(x, "log1p", { return a.tensor(0).log1p(); });
  GT_DEF(x, "sqrt", { return a.tensor(0).sqrt(); });
  GT_DEF(x, "abs", { return a.tensor(0).abs(); });
  GT_DEF(x, "clamp", {
    c10::optional<at::Scalar> lo, hi;
    if (a.has(1)) lo = a.scalar(1);
    if (a.has(2)) hi = a.scalar(2);
    return torch::clamp(a.tensor(0), lo, hi);
  });
  GT_DEF(x, "relu", { return torch::relu(a.tensor(0)); });
  GT_DEF(x, "sigmoid", { return torch::sigmoid(a.tensor(0)); });
  GT_DEF(x, "tanh", { return torch::tanh(a.tensor(0)); });
  GT_DEF(x, "softmax", { return torch::softmax(a.tensor(0), a.i64(1)); });
  GT_DEF(x, "logSoftmax", { return torch::log_softmax(a.tensor(0), a.i64(1)); });
  GT_DEF(x, "isnan", { return a.tensor(0).isnan(); });
  GT_DEF(x, "isfinite", { return a.tensor(0).isfinite(); });

  // Reductions: dims optional (all elements when absent).
  GT_DEF(x, "sum", {
    auto t = a.tensor(0);
    return a.has(1) ? t.sum(a.ints(1), a.flag(2, false), optDtype(a, 3)) : t.sum(optDtype(a, 3));
  });
  GT_DEF(x, "mean", {
    auto t = a.tensor(0);
    return a.has(1) ? t.mean(a.ints(1), a.flag(2, false)) : t.mean();
  });
  GT_DEF(x, "maxAll", { return a.tensor(0).max(); });
  GT_DEF(x, "minAll", { return a.tensor(0).min(); });
  GT_DEF(x, "maxDim", { return a.tensor(0).max(a.i64(1), a.flag(2, false)); });
  GT_DEF(x, "minDim", { return a.tensor(0).min(a.i64(1), a.flag(2, false)); });
  GT_DEF(x, "argmax", {
    c10::optional<int64_t> dim;
    if (a.has(1)) dim = a.i64(1);
    return a.tensor(0).argmax(dim, a.flag(2, false));
  });
  GT_DEF(x, "logsumexp", { return a.tensor(0).logsumexp(a.ints(1), a.flag(2, false)); });
  GT_DEF(x, "any", { return a.tensor(0).any(); });
  GT_DEF(x, "all", { return a.tensor(0).all(); });

  // Comparisons (tensor or number) and selection.
  GT_DEF(x, "eq", { return a.tensor(0).eq(a.operand(1)); });
  GT_DEF(x, "ne", { return a.tensor(0).ne(a.operand(1)); });
  GT_DEF(x, "lt", { return a.tensor(0).lt(a.operand(1)); });
  GT_DEF(x, "le", { return a.tensor(0).le(a.operand(1)); });
  GT_DEF(x, "gt", { return a.tensor(0).gt(a.operand(1)); });
  GT_DEF(x, "ge", { return a.tensor(0).ge(a.operand(1)); });
  // where's number operands, as PyTorch's where.Scalar*: the result dtype follows the wrapped-number
  // rules, and a number is converted to it on the condition's device, checked for overflow.
  GT_DEF(x, "where", {
    auto c = a.tensor(0);
    auto dtype = at::result_type(a.operand(1), a.operand(2));
    auto side = [&](size_t i) { return a.isTensor(i) ? a.tensor(i) : at::scalar_tensor(a.scalar(i), at::device(c.device()).dtype(dtype)); };
    return torch::where(c, side(1), side(2));
  });

  // Shape and indexing.
  GT_DEF(x, "view", { return a.tensor(0).view(a.ints(1)); });
  GT_DEF(x, "reshape", { return a.tensor(0).reshape(a.ints(1)); });
  GT_DEF(x, "flatten", { return a.tensor(0).flatten(a.i64(1, 0), a.i64(2, -1)); });
  GT_DEF(x, "permute", { return a.tensor(0).permute(a.ints(1)); });
  GT_DEF(x, "transpose", { return a.tensor(0).transpose(a.i64(1), a.i64(2)); });
  GT_DEF(x, "unsqueeze", { return a.tensor(0).unsqueeze(a.i64(1)); });
  GT_DEF(x, "squeeze", { auto t = a.tensor(0); return a.has(1) ? t.squeeze(a.i64(1)) : t.squeeze(); });
  GT_DEF(x, "expand", { return a.tensor(0).expand(a.ints(1)); });
  GT_DEF(x, "cat", { return torch::cat(a.tensors(0), a.i64(1, 0)); });
  GT_DEF(x, "stack", { return torch::stack(a.tensors(0), a.i64(1, 0)); });
  GT_DEF(x, "select", { return a.tensor(0).select(a.i64(1), a.i64(2)); });
  GT_DEF(x, "narrow", { return a.tensor(0).narrow(a.i64(1), a.i64(2), a.i64(3)); });
  GT_DEF(x, "indexSelect", { return a.tensor(0).index_select(a.i64(1), a.tensor(2)); });
  GT_DEF(x, "gather", { return a.tensor(0).gather(a.i64(1), a.tensor(2)); });
  GT_DEF(x, "scatter", {
    auto t = a.tensor(0);
    // scatter's number source is PyTorch's scatter.value (a Scalar overload), not a wrapped tensor.
    return a.isTensor(3) ? t.scatter(a.i64(1), a.tensor(2), a.tensor(3)) : t.scatter(a.i64(1), a.tensor(2), a.scalar(3));
  });
  GT_DEF(x, "oneHot", { return torch::one_hot(a.tensor(0), a.i64(1, -1)); });

  // Losses.
  GT_DEF(x, "binaryCrossEntropy", {
    return binaryCrossEntropyOp(a.tensor(0), a.tensor(1), a.optTensor(2).value_or(at::Tensor()),
                                reduction(a.has(3) ? a.str(3) : "mean"));
  });

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
