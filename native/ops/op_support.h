// What the generated op registrations (native/ops/ops.gen.cc) are made of: GT_OP, which registers one op
// with its schema, and the helpers that the table's C++ expressions call.
#pragma once
#include <ATen/core/Reduction.h>
#include "integer_division.h"
#include "losses.h"
#include "nn_utils.h"
#include "structures/structures.h"
#include "binding/tensor.h"

namespace gt {

std::string tooManyArguments(const OpSig& sig, size_t given);

// Registers fn as exports[sig.op()]: too many arguments is a TypeError naming the op's schema, each
// argument is read through Args with the schema (errors name the argument), the body runs under guard().
template <typename F>
void registerOp(Napi::Object exports, const OpSig& sig, F fn) {
  const OpSig* s = &sig;
  exports.Set(sig.op(), Napi::Function::New(
                            exports.Env(),
                            [fn, s](const Napi::CallbackInfo& info) -> Napi::Value {
                              Napi::Env env = info.Env();
                              return guard(env, s->op(), [&]() -> Napi::Value {
                                if (info.Length() > s->arity()) throw ArgError(tooManyArguments(*s, info.Length()));
                                Args a(info, s);
                                if constexpr (std::is_void_v<decltype(fn(a))>) {
                                  fn(a);
                                  return env.Undefined();
                                } else {
                                  return toJs(env, fn(a));
                                }
                              });
                            },
                            sig.op()));
}

// The schema lives in a function-local static: one per op for the process, shared by every worker.
#define GT_SIG_LIST(...) \
  { __VA_ARGS__ }
#define GT_OP(exports, sig, ...) ::gt::registerOp( \
    exports, []() -> const ::gt::OpSig& { static const ::gt::OpSig s{std::vector<std::string> GT_SIG_LIST sig}; return s; }(), [](const ::gt::Args& a) __VA_ARGS__)

// Tensor options from an optional dtype (default float32) and an optional device (default cpu).
inline at::TensorOptions options(c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::TensorOptions().dtype(dtype.value_or(at::kFloat)).device(device.value_or(at::kCPU));
}

// A number operand arrives as a wrapped-number tensor (Args::operand); some ops have a Scalar overload.
inline bool isNumber(const at::Tensor& t) { return t.unsafeGetTensorImpl()->is_wrapped_number(); }

// An optional list of dims as ATen's OptionalIntArrayRef (a view on d, which must outlive it).
inline at::OptionalIntArrayRef optDims(const c10::optional<std::vector<int64_t>>& d) { return d ? at::OptionalIntArrayRef(*d) : at::OptionalIntArrayRef(); }

int64_t reductionEnum(const std::string& r);
at::Tensor whereOp(const at::Tensor& condition, const at::Tensor& input, const at::Tensor& other);

Napi::Value uniqueOp(Napi::Env env, const at::Tensor& self, bool sorted, bool inverse, bool counts, c10::optional<int64_t> dim);
std::vector<int64_t> lastDims(const at::Tensor& t, int64_t n);
std::vector<int64_t> firstDims(const at::Tensor& t, int64_t n);

void initOpTable(Napi::Env env, Napi::Object exports);

}  // namespace gt
