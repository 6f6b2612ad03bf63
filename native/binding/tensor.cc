#include "tensor.h"
#include "dtypes.gen.h"
#include <ATen/ScalarOps.h>
#include <cmath>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace gt {
namespace {

struct AddonData {
  Napi::FunctionReference tensorCtor;
};
// Set while Make runs the NativeTensor constructor, so that only native code can make a handle.
thread_local bool constructing = false;

// The live wrappers: Find accepts a wrapped pointer only if it is one of these, so an object another
// class or addon wrapped (even with NativeTensor's prototype set on it) is never read as a tensor.
// Allocated once and never destroyed: finalizers may run during teardown, after static destructors.
std::mutex& liveMutex() {
  static auto* m = new std::mutex();
  return *m;
}
std::unordered_set<const void*>& liveWraps() {
  static auto* s = new std::unordered_set<const void*>();
  return *s;
}

AddonData& data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

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
// TensorWrap

void TensorWrap::Init(Napi::Env env, Napi::Object exports) {
  napi_value cls;
  NAPI_THROW_IF_FAILED_VOID(env, napi_define_class(env, "NativeTensor", NAPI_AUTO_LENGTH, Construct, nullptr, 0, nullptr, &cls));
  Napi::Function ctor(env, cls);
  // Plain functions on the prototype: they must not throw on a handle whose wrap dispose() removed.
  auto proto = ctor.Get("prototype").As<Napi::Object>();
  napi_value fn;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, "dispose", NAPI_AUTO_LENGTH, Dispose, nullptr, &fn));
  proto.Set("dispose", Napi::Value(env, fn));
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, "isDisposed", NAPI_AUTO_LENGTH, IsDisposed, nullptr, &fn));
  proto.Set("isDisposed", Napi::Value(env, fn));
  auto* d = new AddonData();
  d->tensorCtor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(d);
  exports.Set("NativeTensor", ctor);
}

napi_value TensorWrap::Construct(napi_env env, napi_callback_info info) {
  napi_value self = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr);
  if (!constructing) {
    napi_throw_type_error(env, nullptr, "NativeTensor cannot be constructed from JavaScript; use the tensor factories");
    return nullptr;
  }
  return self;
}

Napi::Object TensorWrap::Make(Napi::Env env, at::Tensor t) {
  napi_value obj = nullptr;
  constructing = true;
  napi_status s = napi_new_instance(env, data(env).tensorCtor.Value(), 0, nullptr, &obj);
  constructing = false;
  if (s != napi_ok) throw Napi::Error::New(env);
  auto* w = new TensorWrap(env, std::move(t));
  if (napi_wrap(env, obj, w, Finalize, nullptr, nullptr) != napi_ok) {
    delete w;
    throw Napi::Error::New(env);
  }
  return Napi::Object(env, obj);
}

bool TensorWrap::IsTensor(Napi::Env env, const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().InstanceOf(data(env).tensorCtor.Value());
}

TensorWrap* TensorWrap::Find(Napi::Env env, napi_value v) {
  void* p = nullptr;
  // Fails (without a JS exception) for a non-object, an object nobody wrapped, a disposed handle.
  if (v == nullptr || napi_unwrap(env, v, &p) != napi_ok) return nullptr;
  std::lock_guard<std::mutex> lock(liveMutex());
  return liveWraps().count(p) ? static_cast<TensorWrap*>(p) : nullptr;
}

TensorWrap* TensorWrap::Unwrap(const Napi::Object& o) {
  TensorWrap* w = Find(o.Env(), o);
  if (!w) throw ArgError("tensor has been disposed");
  return w;
}

TensorWrap::TensorWrap(napi_env env, at::Tensor t) : env_(env), tensor_(std::move(t)), bytes_(tensorBytes(tensor_)) {
  {
    std::lock_guard<std::mutex> lock(liveMutex());
    liveWraps().insert(this);
  }
  trackAlloc(Napi::Env(env), bytes_);
}

// Runs from dispose() or from the GC finalizer (possibly while the environment shuts down): no throws.
TensorWrap::~TensorWrap() {
  {
    std::lock_guard<std::mutex> lock(liveMutex());
    liveWraps().erase(this);
  }
  tensor_ = at::Tensor();
  trackFree(env_, bytes_);
}

void TensorWrap::Finalize(napi_env, void* data, void*) { delete static_cast<TensorWrap*>(data); }

napi_value TensorWrap::Dispose(napi_env env, napi_callback_info info) {
  napi_value self = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr);
  if (TensorWrap* w = Find(Napi::Env(env), self)) {
    // Detach first: the GC will then never call the finalizer.
    if (napi_remove_wrap(env, self, nullptr) == napi_ok) delete w;
  }
  return nullptr;  // undefined
}

napi_value TensorWrap::IsDisposed(napi_env env, napi_callback_info info) {
  napi_value self = nullptr, result = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr);
  napi_get_boolean(env, Find(Napi::Env(env), self) == nullptr, &result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Args

std::string describeJs(Napi::Env env, const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return std::string("boolean ") + (v.As<Napi::Boolean>().Value() ? "true" : "false");
  if (v.IsNumber()) return "number " + c10::str(v.As<Napi::Number>().DoubleValue());
  if (v.IsBigInt()) return "a bigint";
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    return "string '" + (s.size() > 20 ? s.substr(0, 20) + "..." : s) + "'";
  }
  if (v.IsArray()) return "an array";
  if (v.IsTypedArray()) return "a TypedArray";
  if (v.IsFunction()) return "a function";
  if (TensorWrap::IsTensor(env, v)) return TensorWrap::Find(env, v) ? "a tensor" : "a disposed tensor";
  return "an object";
}

std::string Args::label(size_t i) const {
  if (sig_ && i < sig_->arity()) return "argument '" + sig_->names[i + 1] + "'";
  return "argument " + std::to_string(i);
}

void Args::wrongType(size_t i, const char* what) const {
  Napi::Value v = i < info_.Length() ? info_[i] : env().Undefined();
  if (TensorWrap::IsTensor(env(), v) && !TensorWrap::Find(env(), v)) throw ArgError(label(i) + ": tensor has been disposed");
  throw ArgError(label(i) + " must be " + what + ", got " + describeJs(env(), v));
}

void Args::need(size_t i, const char* what) const {
  if (i >= info_.Length() || info_[i].IsUndefined()) wrongType(i, what);
}

at::Tensor Args::tensor(size_t i) const {
  if (TensorWrap* w = find(i)) return w->tensor();
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
    TensorWrap* w = TensorWrap::Find(env(), v);
    if (!w) throw ArgError(label(i) + "[" + std::to_string(k) + "] must be a live tensor, got " + describeJs(env(), v));
    out.push_back(w->tensor());
  }
  return out;
}

at::Scalar Args::scalar(size_t i) const {
  need(i, "a number");
  Napi::Value v = info_[i];
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t n = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw ArgError(label(i) + ": bigint does not fit in int64");
    return at::Scalar(n);
  }
  if (!v.IsNumber()) wrongType(i, "a number");
  double d = v.As<Napi::Number>().DoubleValue();
  // Integral JS numbers act as Python ints (they keep integer tensors integral), others as floats.
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) return at::Scalar(static_cast<int64_t>(d));
  return at::Scalar(d);
}

ScalarOrStr Args::scalarOrStr(size_t i) const {
  if (!has(i)) return {};
  if (info_[i].IsString()) return {c10::nullopt, str(i)};
  if (!info_[i].IsNumber() && !info_[i].IsBoolean() && !info_[i].IsBigInt()) wrongType(i, "a number or a string");
  return {scalar(i), c10::nullopt};
}

at::Tensor Args::operand(size_t i, at::Device device) const {
  if (TensorWrap* w = find(i)) return w->tensor();
  need(i, "a tensor or a number");
  Napi::Value v = info_[i];
  if (!v.IsNumber() && !v.IsBoolean() && !v.IsBigInt()) wrongType(i, "a tensor or a number");
  return at::native::wrapped_scalar_tensor(scalar(i), device);
}

double Args::f64(size_t i) const {
  need(i, "a number");
  if (!info_[i].IsNumber()) wrongType(i, "a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

int64_t Args::i64(size_t i) const {
  need(i, "an integer");
  if (info_[i].IsBigInt()) {
    bool lossless = true;
    return info_[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (!info_[i].IsNumber()) wrongType(i, "an integer");
  double d = info_[i].As<Napi::Number>().DoubleValue();
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
    Napi::Value v = arr.Get(k);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
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
