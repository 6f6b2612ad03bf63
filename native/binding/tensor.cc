#include "tensor.h"
#include "dtypes.gen.h"
#include <ATen/ScalarOps.h>
#include <cmath>
#include <cstring>
#include <random>
#include <unordered_map>

namespace gt {
namespace {

int64_t tensorBytes(const at::Tensor& t) {
  return t.defined() ? static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size()) : 0;
}

// The dtypes of lib/dtype-table.ts, the one table both sides read.
const std::unordered_map<std::string, at::ScalarType>& dtypeTable() {
  static const std::unordered_map<std::string, at::ScalarType> table = [] {
    std::unordered_map<std::string, at::ScalarType> t;
    for (const auto& d : kDtypes) t.emplace(d.name, d.type);
    return t;
  }();
  return table;
}

}  // namespace

at::ScalarType parseDtype(const std::string& name) {
  auto it = dtypeTable().find(name);
  if (it == dtypeTable().end()) throw ArgError("unknown dtype '" + name + "'");
  return it->second;
}

std::string dtypeName(at::ScalarType t) {
  for (const auto& kv : dtypeTable())
    if (kv.second == t) return kv.first;
  return c10::toString(t);
}

at::Device parseDevice(const std::string& name) {
  if (name == "cpu") return at::Device(at::kCPU);
  if (name.rfind("cuda", 0) == 0) return at::Device(name);  // "cuda" or "cuda:N"; LibTorch validates N
  throw ArgError("unknown device '" + name + "' (expected 'cpu', 'cuda' or 'cuda:N')");
}

// ---------------------------------------------------------------------------------------------
// Tensor handles

namespace {

// A handle's number: 2^52 + generation * 2^26 + index, an exact integer below 2^53.
constexpr double kHandleBase = 4503599627370496.0;  // 2^52
constexpr double kHandleEnd = 9007199254740992.0;  // 2^53
constexpr uint64_t kIndexLimit = 1ull << 26;
constexpr uint32_t kGenerationLimit = 1u << 26;

bool isHandleNumber(double d) noexcept { return d >= kHandleBase && d < kHandleEnd && d == std::trunc(d); }

struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;
  uint32_t generation = 1;
  bool live = false;
};

// One per environment (the main thread, each worker): a handle is valid only where it was made.
class HandleTable {
 public:
  // Each table starts its slots at generations of its own (a seed per environment), so a handle
  // carried to another worker's environment names no tensor there.
  explicit HandleTable(napi_env env) : env_(env), nextGeneration_(std::random_device{}()) {}
  // Environment teardown: every tensor still held is freed; V8's external-memory counter goes with
  // the isolate, so only our own counters are updated.
  ~HandleTable() {
    for (auto& s : slots_)
      if (s.live) {
        s.tensor = at::Tensor();
        trackFree(nullptr, s.bytes);
      }
  }

  napi_value make(at::Tensor t) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      if (slots_.size() >= kIndexLimit) throw ArgError("too many live tensors (67108864): dispose some");
      index = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
      nextGeneration_ = nextGeneration_ * 1664525u + 1013904223u;  // a step of an LCG: cheap, varied
      slots_.back().generation = 1 + (nextGeneration_ >> 6) % (kGenerationLimit - 1);
    }
    Slot& s = slots_[index];
    s.bytes = tensorBytes(t);
    s.tensor = std::move(t);
    s.live = true;
    napi_value h = nullptr;
    if (napi_create_double(env_, code(index, s.generation), &h) != napi_ok) {
      free(index);
      throw Napi::Error::New(Napi::Env(env_));
    }
    trackAlloc(Napi::Env(env_), s.bytes);
    return h;
  }

  Slot* lookup(napi_value v, bool liveOnly) noexcept {
    double d = 0;
    // Fails (without a JS exception) for any value that is not a number.
    if (v == nullptr || napi_get_value_double(env_, v, &d) != napi_ok) return nullptr;
    if (!isHandleNumber(d)) return nullptr;
    uint64_t c = static_cast<uint64_t>(d - kHandleBase);
    uint64_t index = c % kIndexLimit;
    if (index >= slots_.size()) return nullptr;
    Slot& s = slots_[index];
    if (liveOnly && (!s.live || s.generation != c / kIndexLimit)) return nullptr;
    return &s;
  }

  bool release(napi_value v) noexcept {
    Slot* s = lookup(v, true);
    if (!s) return false;
    free(static_cast<uint32_t>(s - slots_.data()));
    return true;
  }

 private:
  static double code(uint64_t index, uint64_t generation) { return kHandleBase + static_cast<double>(generation * kIndexLimit + index); }
  void free(uint32_t index) noexcept {
    Slot& s = slots_[index];
    s.tensor = at::Tensor();
    s.live = false;
    s.generation = s.generation + 1 < kGenerationLimit ? s.generation + 1 : 1;
    trackFree(env_, s.bytes);
    s.bytes = 0;
    free_.push_back(index);
  }
  napi_env env_;
  uint32_t nextGeneration_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
};

HandleTable* table(napi_env env) noexcept {
  void* d = nullptr;
  napi_get_instance_data(env, &d);
  return static_cast<HandleTable*>(d);
}

}  // namespace

namespace handles {

napi_value make(napi_env env, at::Tensor t) { return table(env)->make(std::move(t)); }

const at::Tensor* find(napi_env env, napi_value v) noexcept {
  Slot* s = table(env)->lookup(v, true);
  return s ? &s->tensor : nullptr;
}

bool isHandle(napi_env env, napi_value v) noexcept { return table(env)->lookup(v, false) != nullptr; }

bool release(napi_env env, napi_value v) noexcept { return table(env)->release(v); }

void init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<HandleTable>(new HandleTable(env));
  // releaseTensor(handle): frees a live handle's tensor now (dispose); true if it was live.
  GT_DEF(exports, "releaseTensor", { return release(a.env(), a.raw(0)); });
  GT_DEF(exports, "isLiveTensor", { return find(a.env(), a.raw(0)) != nullptr; });
}

}  // namespace handles

// ---------------------------------------------------------------------------------------------
// Args

// A one-element array holding a number in the handle range is that number, boxed (see handles).
static Napi::Value unbox(const Napi::Value& v) {
  if (!v.IsArray()) return v;
  auto box = v.As<Napi::Array>();
  if (box.Length() != 1) return v;
  Napi::Value n = box.Get(uint32_t(0));
  return n.IsNumber() && isHandleNumber(n.As<Napi::Number>().DoubleValue()) ? n : v;
}

std::string describeJs(Napi::Env env, const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return std::string("boolean ") + (v.As<Napi::Boolean>().Value() ? "true" : "false");
  if (handles::isHandle(env, v)) return handles::find(env, v) ? "a tensor" : "a disposed tensor";
  if (v.IsNumber()) return "number " + c10::str(v.As<Napi::Number>().DoubleValue());
  if (v.IsBigInt()) return "a bigint";
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    return "string '" + (s.size() > 20 ? s.substr(0, 20) + "..." : s) + "'";
  }
  if (v.IsArray()) {
    Napi::Value n = unbox(v);
    return n.IsNumber() ? "number " + c10::str(n.As<Napi::Number>().DoubleValue()) : "an array";
  }
  if (v.IsTypedArray()) return "a TypedArray";
  if (v.IsFunction()) return "a function";
  return "an object";
}

std::string Args::label(size_t i) const {
  if (sig_ && i < sig_->arity()) return "argument '" + sig_->names[i + 1] + "'";
  return "argument " + std::to_string(i);
}

void Args::wrongType(size_t i, const char* what) const {
  Napi::Value v = i < info_.Length() ? info_[i] : env().Undefined();
  if (handles::isHandle(env(), v) && !handles::find(env(), v)) throw ArgError(label(i) + ": tensor has been disposed");
  throw ArgError(label(i) + " must be " + what + ", got " + describeJs(env(), v));
}

void Args::need(size_t i, const char* what) const {
  if (i >= info_.Length() || info_[i].IsUndefined()) wrongType(i, what);
}

at::Tensor Args::tensor(size_t i) const {
  if (const at::Tensor* t = find(i)) return *t;
  wrongType(i, "a tensor");
}

std::optional<at::Tensor> Args::optTensor(size_t i) const {
  if (!has(i)) return std::nullopt;
  return tensor(i);
}

std::vector<at::Tensor> Args::tensors(size_t i) const {
  need(i, "an array of tensors");
  if (!info_[i].IsArray()) wrongType(i, "an array of tensors");
  auto arr = info_[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    const at::Tensor* t = handles::find(env(), v);
    if (!t) throw ArgError(label(i) + "[" + std::to_string(k) + "] must be a live tensor, got " + describeJs(env(), v));
    out.push_back(*t);
  }
  return out;
}

// Integral JS numbers act as Python ints (they keep integer tensors integral), others as floats. Every
// integral double in [-2^63, 2^63) is exactly an int64 (2^60 too: int64 + 2^60 stays int64, as in
// Python); beyond that no int64 holds it, and a float is what a JS user means by 1e20.
static at::Scalar numberScalar(double d) {
  if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) return at::Scalar(static_cast<int64_t>(d));
  return at::Scalar(d);
}

Napi::Value Args::number(size_t i) const {
  // An unboxed number in the handle range is a tensor handle: numbers there travel boxed.
  if (handles::isHandle(env(), info_[i])) wrongType(i, "a number");
  return unbox(info_[i]);
}

at::Scalar Args::scalar(size_t i) const {
  // The common case first, with one type query: a plain number (alpha, a scalar operand).
  double d = 0;
  if (i < info_.Length() && napi_get_value_double(env(), info_[i], &d) == napi_ok && !isHandleNumber(d)) return numberScalar(d);
  need(i, "a number");
  Napi::Value v = number(i);
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t n = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw ArgError(label(i) + ": bigint does not fit in int64");
    return at::Scalar(n);
  }
  if (!v.IsNumber()) wrongType(i, "a number");
  return numberScalar(v.As<Napi::Number>().DoubleValue());
}

ScalarOrStr Args::scalarOrStr(size_t i) const {
  if (!has(i)) return {};
  if (info_[i].IsString()) return {c10::nullopt, str(i)};
  Napi::Value v = number(i);
  if (!v.IsNumber() && !v.IsBoolean() && !v.IsBigInt()) wrongType(i, "a number or a string");
  return {scalar(i), c10::nullopt};
}

at::Tensor Args::operand(size_t i, at::Device device) const {
  if (const at::Tensor* t = find(i)) return *t;
  need(i, "a tensor or a number");
  if (handles::isHandle(env(), info_[i])) wrongType(i, "a tensor or a number");  // a released handle
  Napi::Value v = number(i);
  if (!v.IsNumber() && !v.IsBoolean() && !v.IsBigInt()) wrongType(i, "a tensor or a number");
  return at::native::wrapped_scalar_tensor(scalar(i), device);
}

double Args::f64(size_t i) const {
  need(i, "a number");
  Napi::Value v = number(i);
  if (!v.IsNumber()) wrongType(i, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t Args::i64(size_t i) const {
  need(i, "an integer");
  if (info_[i].IsBigInt()) {
    bool lossless = true;
    return info_[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  Napi::Value v = number(i);
  if (!v.IsNumber()) wrongType(i, "an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::trunc(d)) wrongType(i, "an integer");
  return static_cast<int64_t>(d);
}

bool Args::flag(size_t i) const {
  need(i, "a boolean");
  if (!info_[i].IsBoolean()) wrongType(i, "a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

std::string Args::str(size_t i) const {
  need(i, "a string");
  if (!info_[i].IsString()) wrongType(i, "a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

at::ScalarType Args::dtype(size_t i) const {
  need(i, "a dtype");
  if (!info_[i].IsString()) wrongType(i, "a dtype");
  std::string s = str(i);
  auto it = dtypeTable().find(s);
  if (it == dtypeTable().end()) throw ArgError(label(i) + ": unknown dtype '" + s + "'");
  return it->second;
}

at::Device Args::device(size_t i) const {
  if (!has(i)) return at::Device(at::kCPU);
  if (!info_[i].IsString()) wrongType(i, "a device");
  try {
    return parseDevice(str(i));
  } catch (const ArgError& e) {
    throw ArgError(label(i) + ": " + e.what());
  }
}

std::vector<int64_t> Args::ints(size_t i) const {
  need(i, "an array of integers");
  if (!info_[i].IsArray()) wrongType(i, "an array of integers");
  auto arr = info_[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = unbox(arr.Get(k));
    double d = v.IsNumber() && !handles::isHandle(env(), arr.Get(k)) ? v.As<Napi::Number>().DoubleValue() : NAN;
    if (!std::isfinite(d) || d != std::trunc(d))
      throw ArgError(label(i) + "[" + std::to_string(k) + "] must be an integer, got " + describeJs(env(), v));
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

at::TensorOptions Args::options(size_t dtypeArg, size_t deviceArg) const {
  auto dt = has(dtypeArg) ? dtype(dtypeArg) : at::kFloat;
  return at::TensorOptions().dtype(dt).device(device(deviceArg));
}

// ---------------------------------------------------------------------------------------------
// Typed arrays <-> tensors: the only place that copies between JS memory and tensors.

namespace {

template <typename T>
at::Tensor fromArray(const Napi::TypedArray& arr, at::ScalarType st, const std::vector<int64_t>& shape) {
  auto ta = arr.As<Napi::TypedArrayOf<T>>();
  return torch::from_blob(ta.Data(), shape, at::TensorOptions().dtype(st)).clone();
}

Napi::Value toTypedArray(Napi::Env env, at::Tensor t) {
  t = t.detach().to(at::kCPU).contiguous();
  auto st = t.scalar_type();
  if (st == at::kHalf || st == at::kBFloat16) st = at::kFloat;
  if (st == at::kBool) st = at::kByte;
  t = t.to(st).contiguous();
  size_t n = static_cast<size_t>(t.numel());
  auto copyInto = [&](auto arr) {
    if (n) std::memcpy(arr.Data(), t.data_ptr(), n * t.element_size());
    return Napi::Value(arr);
  };
  switch (st) {
    case at::kFloat: return copyInto(Napi::Float32Array::New(env, n));
    case at::kDouble: return copyInto(Napi::Float64Array::New(env, n));
    case at::kLong: return copyInto(Napi::BigInt64Array::New(env, n));
    case at::kInt: return copyInto(Napi::Int32Array::New(env, n));
    case at::kShort: return copyInto(Napi::Int16Array::New(env, n));
    case at::kChar: return copyInto(Napi::Int8Array::New(env, n));
    case at::kByte: return copyInto(Napi::Uint8Array::New(env, n));
    default: throw ArgError("data(): unsupported dtype " + dtypeName(st));
  }
}

}  // namespace

void initTensorConversions(Napi::Env env, Napi::Object exports) {
  // fromTypedArray(array, shape, dtype?, device?)
  GT_DEF(exports, "fromTypedArray", {
    Napi::Value v = a.raw(0);
    if (!v.IsTypedArray()) throw ArgError("argument 0: expected a TypedArray");
    auto arr = v.As<Napi::TypedArray>();
    auto shape = a.ints(1);
    int64_t numel = 1;
    for (auto s : shape) {
      if (s < 0) throw ArgError("shape has a negative size");
      numel *= s;
    }
    if (static_cast<size_t>(numel) != arr.ElementLength())
      throw ArgError("shape [" + c10::str(c10::IntArrayRef(shape)) + "] holds " + std::to_string(numel) +
                     " elements but the array has " + std::to_string(arr.ElementLength()));
    at::Tensor t;
    switch (arr.TypedArrayType()) {
      case napi_float32_array: t = fromArray<float>(arr, at::kFloat, shape); break;
      case napi_float64_array: t = fromArray<double>(arr, at::kDouble, shape); break;
      case napi_int32_array: t = fromArray<int32_t>(arr, at::kInt, shape); break;
      case napi_int16_array: t = fromArray<int16_t>(arr, at::kShort, shape); break;
      case napi_int8_array: t = fromArray<int8_t>(arr, at::kChar, shape); break;
      case napi_uint8_array:
      case napi_uint8_clamped_array: t = fromArray<uint8_t>(arr, at::kByte, shape); break;
      case napi_bigint64_array: t = fromArray<int64_t>(arr, at::kLong, shape); break;
      default: throw ArgError("unsupported TypedArray type");
    }
    if (a.has(2)) t = t.to(a.dtype(2));
    if (a.has(3)) t = t.to(a.device(3));
    return t;
  });
  GT_DEF(exports, "data", { return toTypedArray(a.env(), a.tensor(0)); });
  GT_DEF(exports, "shape", { return a.tensor(0).sizes().vec(); });
  GT_DEF(exports, "strides", { return a.tensor(0).strides().vec(); });
  GT_DEF(exports, "dtype", { return dtypeName(a.tensor(0).scalar_type()); });
  GT_DEF(exports, "device", { return a.tensor(0).device().str(); });
  GT_DEF(exports, "numel", { return static_cast<int64_t>(a.tensor(0).numel()); });
  GT_DEF(exports, "isContiguous", { return a.tensor(0).is_contiguous(); });
  GT_DEF(exports, "item", {
    at::Tensor t = a.tensor(0);
    if (t.numel() != 1) throw ArgError("item(): tensor has " + std::to_string(t.numel()) + " elements, expected exactly 1");
    if (t.scalar_type() == at::kBool) return Napi::Value(Napi::Boolean::New(a.env(), t.item<bool>()));
    return Napi::Value(Napi::Number::New(a.env(), t.item<double>()));
  });
}

}  // namespace gt
