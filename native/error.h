// The one error-translation path: every native entry point runs its body through guard().
#pragma once
#include <napi.h>
#include <c10/util/Exception.h>
#include <exception>
#include <string>

namespace gt {

// A bad argument detected natively; becomes a JS TypeError.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename F>
Napi::Value guard(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error& e) {
    throw;  // already a JS error
  } catch (const ArgError& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const c10::Error& e) {
    // LibTorch's message, without the C++ backtrace it appends to what().
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown native error");
  }
}

}  // namespace gt
