// The one error-translation path: every native entry point runs its body through guard(), which
// turns C++ exceptions into JS errors named after the op and forwards LibTorch's warnings to JS.
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
// A value out of its allowed range detected natively; becomes a JS RangeError.
struct RangeArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Rethrows the exception being handled as a Napi::Error of the matching JS class, its message
// prefixed with the op's name. Call only from a catch block.
[[noreturn]] void rethrowAsJs(Napi::Env env, const char* op);

// Emits the LibTorch warnings raised on this thread since the last call through process.emitWarning,
// each site once (warnings.cc). Throws only what emitWarning throws (e.g. --throw-deprecation).
void flushWarnings(Napi::Env env);
// Installs the collecting warning handler on the calling (JS) thread for the life of env.
void initWarnings(Napi::Env env);

template <typename F>
Napi::Value guard(Napi::Env env, const char* op, F&& body) {
  Napi::Value result;
  try {
    result = body();
  } catch (...) {
    try {
      flushWarnings(env);  // warnings raised before the error still reach JS
    } catch (...) {
    }
    rethrowAsJs(env, op);
  }
  flushWarnings(env);
  return result;
}

}  // namespace gt
