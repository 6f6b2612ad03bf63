// C++ exceptions to JS errors, by kind: LibTorch's IndexError/ValueError become RangeError and its
// TypeError a TypeError, as PyTorch maps them to Python's; every message names the op and carries
// no C++ backtrace.
#include "error.h"
#include <cstring>

namespace gt {
namespace {

std::string named(const char* op, const std::string& msg) {
  size_t n = std::strlen(op);
  // Messages that already start with the op ("item(): ...") are not prefixed twice.
  if (msg.compare(0, n, op) == 0 && (msg.size() == n || msg[n] == '(' || msg[n] == ':')) return msg;
  return std::string(op) + ": " + msg;
}

}  // namespace

void rethrowAsJs(Napi::Env env, const char* op) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;  // already a JS error (a JS callback threw, or the environment is shutting down)
  } catch (const ArgError& e) {
    throw Napi::TypeError::New(env, named(op, e.what()));
  } catch (const RangeArgError& e) {
    throw Napi::RangeError::New(env, named(op, e.what()));
  } catch (const c10::IndexError& e) {
    throw Napi::RangeError::New(env, named(op, e.what_without_backtrace()));
  } catch (const c10::ValueError& e) {
    throw Napi::RangeError::New(env, named(op, e.what_without_backtrace()));
  } catch (const c10::TypeError& e) {
    throw Napi::TypeError::New(env, named(op, e.what_without_backtrace()));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, named(op, e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, named(op, "out of memory"));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, named(op, e.what()));
  } catch (...) {
    throw Napi::Error::New(env, named(op, "unknown native error"));
  }
}

}  // namespace gt
