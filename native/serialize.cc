// Checkpoints in torch.save's format (torch::pickle_save), so that Python's torch.load reads them,
// and torch::pickle_load, so that files written by Python load here.
#include <torch/serialize.h>  // torch::pickle_save / pickle_load
#include "tensor.h"

namespace gt {
namespace {

c10::IValue toIValue(Napi::Env env, const Napi::Value& v, int depth = 0) {
  if (depth > 64) throw ArgError("save(): object nested too deeply");
  if (TensorWrap::IsTensor(env, v)) {
    // Saved on the CPU so the file loads anywhere; detached so no graph is pickled.
    return TensorWrap::Unwrap(v.As<Napi::Object>())->tensor().detach().to(at::kCPU).contiguous();
  }
  if (v.IsNull() || v.IsUndefined()) return c10::IValue();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9007199254740992.0) return static_cast<int64_t>(d);
    return d;
  }
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (v.IsArray()) {
    auto arr = v.As<Napi::Array>();
    c10::impl::GenericList list(c10::AnyType::get());
    for (uint32_t i = 0; i < arr.Length(); ++i) list.push_back(toIValue(env, arr.Get(i), depth + 1));
    return list;
  }
  if (v.IsObject()) {
    auto obj = v.As<Napi::Object>();
    auto keys = obj.GetPropertyNames();
    c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
      dict.insert(k, toIValue(env, obj.Get(k), depth + 1));
    }
    return dict;
  }
  throw ArgError("save(): cannot store a value of this type (tensors, numbers, strings, booleans, arrays and plain objects only)");
}

Napi::Value fromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) return TensorWrap::Make(env, v.toTensor());
  if (v.isNone()) return env.Null();
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isString()) return Napi::String::New(env, v.toStringRef());
  if (v.isList() || v.isTuple()) {
    auto elems = v.isList() ? v.toListRef().vec() : v.toTupleRef().elements().vec();
    auto arr = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) arr.Set(i, fromIValue(env, elems[i]));
    return arr;
  }
  if (v.isGenericDict()) {
    auto obj = Napi::Object::New(env);
    for (const auto& e : v.toGenericDict()) {
      const auto& k = e.key();
      std::string key = k.isString() ? k.toStringRef() : (k.isInt() ? std::to_string(k.toInt()) : "?");
      obj.Set(key, fromIValue(env, e.value()));
    }
    return obj;
  }
  throw ArgError(std::string("load(): unsupported value of type ") + v.tagKind());
}

}  // namespace

void initSerialize(Napi::Env env, Napi::Object x) {
  GT_DEF(x, "pickleSave", {
    std::vector<char> bytes = torch::pickle_save(toIValue(a.env(), a.raw(0)));
    return Napi::Value(Napi::Buffer<char>::Copy(a.env(), bytes.data(), bytes.size()));
  });
  GT_DEF(x, "pickleLoad", {
    if (!a.raw(0).IsBuffer()) throw ArgError("load(): expected a Buffer");
    auto buf = a.raw(0).As<Napi::Buffer<char>>();
    std::vector<char> bytes(buf.Data(), buf.Data() + buf.Length());
    return fromIValue(a.env(), torch::pickle_load(bytes));
  });
}

}  // namespace gt
