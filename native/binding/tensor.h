// The JS class that owns an at::Tensor, and every conversion between JS values and LibTorch types.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <torch/types.h>  // torch:: names for at:: ops, and the autograd-aware factories
#include <torch/utils.h>  // NoGradGuard, manual_seed, set_num_threads
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>
#include "error.h"

namespace gt {

// Tensor handles. A JS handle is a number, a code for a slot of this environment's handle table: an
// integer in [2^52, 2^53) made of the slot's index and its generation, which every release bumps. So a
// released (disposed) handle, another worker's handle or any other number is refused by a table
// lookup, never dereferenced, and no JS value reads as memory. A JS number in that range meant as a
// number travels boxed, as a one-element array (lib/tensor-handles.ts boxHandleRange); the scalar
// readers below unbox it.
// Cost: a tiny op makes one handle and the user frees one. A number costs nothing to make; a wrapped
// JS object (napi_wrap) or an External (which Node 20 gives a weak reference) cost about 1 us made and
// freed, as much as PyTorch's whole x.add(y). The GC backstop for handles nobody released is the JS
// Tensor's FinalizationRegistry (lib/tensor-handles.ts).
namespace handles {
// A new handle owning t. Throws (a JS exception pending) only if V8 cannot allocate.
napi_value make(napi_env env, at::Tensor t);
// The live tensor of a handle, or nullptr for anything else (a released handle, a value that is no
// handle). Never throws.
const at::Tensor* find(napi_env env, napi_value v) noexcept;
// Whether v is a number in the handle range (a handle, live or released: error messages only).
bool isHandle(napi_env env, napi_value v) noexcept;
// Frees the tensor of a live handle; false (and nothing done) for anything else.
bool release(napi_env env, napi_value v) noexcept;
// Registers the table for this environment and the natives releaseTensor / isLiveTensor.
void init(Napi::Env env, Napi::Object exports);
}  // namespace handles

// Live-tensor accounting (memory.cc). trackFree runs in finalizers, also while an environment is
// torn down, so it never throws.
void trackAlloc(Napi::Env env, int64_t bytes);
void trackFree(napi_env env, int64_t bytes) noexcept;

at::ScalarType parseDtype(const std::string& name);
std::string dtypeName(at::ScalarType t);
at::Device parseDevice(const std::string& name);

// An op's schema as the op table gives it (lib/op-table.ts): its name, then its arguments' names.
struct OpSig {
  std::vector<std::string> names;
  const char* op() const { return names[0].c_str(); }
  size_t arity() const { return names.size() - 1; }
};

// A JS value described for an error message: "string 'x'", "number 1.5", "undefined", "an array", ...
std::string describeJs(Napi::Env env, const Napi::Value& v);

// A number-or-string argument (linalg.norm's ord): at most one is set.
struct ScalarOrStr {
  c10::optional<at::Scalar> num;
  c10::optional<std::string> str;
};

// Reads the arguments of a native call; every op unpacks its arguments through this, so argument
// conversion lives in one place. With a schema, errors name the argument ("argument 'dim' must be
// an integer, got string 'a'"); without one, its position.
class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info, const OpSig* sig = nullptr) : info_(info), sig_(sig) {}
  Napi::Env env() const { return info_.Env(); }
  size_t size() const { return info_.Length(); }
  Napi::Value raw(size_t i) const { return info_[i]; }
  bool has(size_t i) const { return i < info_.Length() && !info_[i].IsUndefined() && !info_[i].IsNull(); }
  // The live tensor of the handle at i, or nullptr (the fast check: one number read, one table lookup).
  const at::Tensor* find(size_t i) const { return i < info_.Length() ? handles::find(env(), info_[i]) : nullptr; }

  at::Tensor tensor(size_t i) const;
  std::optional<at::Tensor> optTensor(size_t i) const;
  std::vector<at::Tensor> tensors(size_t i) const;
  at::Scalar scalar(size_t i) const;
  at::Scalar scalar(size_t i, at::Scalar dflt) const { return has(i) ? scalar(i) : dflt; }
  // A number or a string; neither when absent.
  ScalarOrStr scalarOrStr(size_t i) const;
  // A tensor-or-number operand. A number becomes a wrapped-number tensor, as PyTorch's Python binding
  // makes of a Python number (wrapped_scalar_tensor), so type promotion follows PyTorch's rules for
  // number operands: int64 + 1.5 is float32, uint8 + 300 stays uint8, where(c, int64, 0) is int64.
  at::Tensor operand(size_t i, at::Device device = at::kCPU) const;
  double f64(size_t i) const;
  double f64(size_t i, double dflt) const { return has(i) ? f64(i) : dflt; }
  int64_t i64(size_t i) const;
  int64_t i64(size_t i, int64_t dflt) const { return has(i) ? i64(i) : dflt; }
  bool flag(size_t i) const;
  bool flag(size_t i, bool dflt) const { return has(i) ? flag(i) : dflt; }
  std::string str(size_t i) const;
  std::string str(size_t i, const char* dflt) const { return has(i) ? str(i) : dflt; }
  c10::optional<at::Scalar> optScalar(size_t i) const { return has(i) ? c10::optional<at::Scalar>(scalar(i)) : c10::nullopt; }
  c10::optional<double> optF64(size_t i) const { return has(i) ? c10::optional<double>(f64(i)) : c10::nullopt; }
  c10::optional<int64_t> optI64(size_t i) const { return has(i) ? c10::optional<int64_t>(i64(i)) : c10::nullopt; }
  c10::optional<std::vector<int64_t>> optInts(size_t i) const { return has(i) ? c10::optional<std::vector<int64_t>>(ints(i)) : c10::nullopt; }
  c10::optional<at::ScalarType> optDtype(size_t i) const { return has(i) ? c10::optional<at::ScalarType>(dtype(i)) : c10::nullopt; }
  c10::optional<at::Device> optDevice(size_t i) const { return has(i) ? c10::optional<at::Device>(device(i)) : c10::nullopt; }
  std::vector<int64_t> ints(size_t i) const;
  // An integer or an array of integers, as a list.
  std::vector<int64_t> dims(size_t i) const { return has(i) && info_[i].IsNumber() ? std::vector<int64_t>{i64(i)} : ints(i); }
  at::ScalarType dtype(size_t i) const;
  at::Device device(size_t i) const;
  // Tensor options from a dtype argument (default float32) and a device argument (default cpu).
  at::TensorOptions options(size_t dtypeArg, size_t deviceArg) const;

 private:
  void need(size_t i, const char* what) const;
  // The number at i, unboxed when it travels boxed (a number in the handle range, see handles), else
  // the value as it is.
  Napi::Value number(size_t i) const;
  // "argument 'name'" with a schema, else "argument i".
  std::string label(size_t i) const;
  [[noreturn]] void wrongType(size_t i, const char* what) const;
  const Napi::CallbackInfo& info_;
  const OpSig* sig_;
};

// C++ results to JS values.
inline Napi::Value toJs(Napi::Env env, const at::Tensor& t) {
  if (!t.defined()) return env.Undefined();
  return Napi::Value(env, handles::make(env, t));
}
inline Napi::Value toJs(Napi::Env env, double v) { return Napi::Number::New(env, v); }
inline Napi::Value toJs(Napi::Env env, int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }
inline Napi::Value toJs(Napi::Env env, bool v) { return Napi::Boolean::New(env, v); }
inline Napi::Value toJs(Napi::Env env, const std::string& v) { return Napi::String::New(env, v); }
inline Napi::Value toJs(Napi::Env, Napi::Value v) { return v; }
inline Napi::Value toJs(Napi::Env env, const std::vector<at::Tensor>& ts) {
  auto arr = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); ++i) arr.Set(i, toJs(env, ts[i]));
  return arr;
}
inline Napi::Value toJs(Napi::Env env, const std::vector<int64_t>& v) {
  auto arr = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) arr.Set(i, Napi::Number::New(env, static_cast<double>(v[i])));
  return arr;
}
template <typename... T>
Napi::Value toJs(Napi::Env env, const std::tuple<T...>& tup) {
  auto arr = Napi::Array::New(env, sizeof...(T));
  uint32_t i = 0;
  std::apply([&](const auto&... x) { ((arr.Set(i++, toJs(env, x))), ...); }, tup);
  return arr;
}

// The one wrapper pattern for every native function: unpack through Args, run under guard(),
// convert the result with toJs().
template <typename F>
Napi::Function makeFn(Napi::Env env, const char* name, F fn) {
  return Napi::Function::New(
      env,
      [fn, name](const Napi::CallbackInfo& info) -> Napi::Value {
        Napi::Env env = info.Env();
        return guard(env, name, [&]() -> Napi::Value {
          Args a(info);
          if constexpr (std::is_void_v<decltype(fn(a))>) {
            fn(a);
            return env.Undefined();
          } else {
            return toJs(env, fn(a));
          }
        });
      },
      name);
}

#define GT_DEF(exports, name, ...) (exports).Set(name, ::gt::makeFn((exports).Env(), name, [](::gt::Args & a) __VA_ARGS__))

// Each concept file registers its functions here (called from addon.cc).
void initTensorConversions(Napi::Env env, Napi::Object exports);
void initOps(Napi::Env env, Napi::Object exports);
void initAutograd(Napi::Env env, Napi::Object exports);
void initMemory(Napi::Env env, Napi::Object exports);
void initOptim(Napi::Env env, Napi::Object exports);
void initSerialize(Napi::Env env, Napi::Object exports);
void initGumbel(Napi::Env env, Napi::Object exports);
// The CPU allocator for tensor data (allocator.cc): chosen once per process, switchable from JS.
void initAllocator(Napi::Env env, Napi::Object exports);
size_t cpuCachedBytes();
void initFastLinear(Napi::Env env, Napi::Object exports);
void initFastBce(Napi::Env env, Napi::Object exports);
void initFastMaxPool(Napi::Env env, Napi::Object exports);

// F.linear: ATen's, or oneDNN's sgemm when setFastLinear(true) (fast_linear.cc).
at::Tensor linearOp(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b);
// F.binary_cross_entropy: ATen's, or whole-tensor ops when setFastBinaryCrossEntropy(true) (fast_bce.cc).
at::Tensor binaryCrossEntropyOp(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int64_t reduction);
// F.max_pool2d: a direct 2 x 2 / stride 2 kernel where it fits (exact: ATen's values and indices), else ATen's (max_pool2d.cc).
at::Tensor maxPool2dOp(const at::Tensor& x, at::IntArrayRef kernel, at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                       bool ceilMode);

}  // namespace gt
