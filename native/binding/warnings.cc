// LibTorch's warnings (TORCH_WARN) reach JS through process.emitWarning, once per C++ site, instead
// of LibTorch's default handler, which writes to stderr through glog ("WARNING: Logging before
// InitGoogleLogging() ..."). LibTorch's handler is per thread and each Node environment (main thread,
// each worker) runs on its own thread, so each installs its own collector; guard() flushes it after
// every native call.
#include <torch/version.h>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>
#include "error.h"

namespace gt {
namespace {

struct Pending {
  std::string site;  // file:line of the TORCH_WARN
  std::string message;
  bool deprecation;
};

class Collector : public c10::WarningHandler {
 public:
#if TORCH_VERSION_MAJOR >= 2
  void process(const c10::Warning& w) override {
    add(w.source_location(), w.msg(), w.verbatim(), std::holds_alternative<c10::Warning::DeprecationWarning>(w.type()));
  }
#else
  void process(const c10::SourceLocation& loc, const std::string& msg, const bool verbatim) override {
    add(loc, msg, verbatim, false);
  }
#endif
  std::vector<Pending> pending;
  std::unordered_set<std::string> seen;  // sites already reported in this environment

 private:
  void add(const c10::SourceLocation& loc, const std::string& msg, bool verbatim, bool deprecation) {
    std::string site = std::string(loc.file ? loc.file : "?") + ":" + std::to_string(loc.line);
    if (!seen.insert(site).second) return;
    // As PyTorch's Python warnings: the message, and where LibTorch raised it unless verbatim.
    pending.push_back({site, verbatim ? msg : msg + " (Triggered internally at " + site + ".)", deprecation});
  }
};

// One per JS thread; installed for the life of that thread's environment.
thread_local Collector* current = nullptr;

#if TORCH_VERSION_MAJOR >= 2
void setHandler(c10::WarningHandler* h) { c10::WarningUtils::set_warning_handler(h); }
#else
void setHandler(c10::WarningHandler* h) { c10::Warning::set_warning_handler(h); }
#endif

}  // namespace

void initWarnings(Napi::Env env) {
  if (current) return;  // the addon loaded twice in one environment
  current = new Collector();
  setHandler(current);
  // Environment teardown: restore LibTorch's handler before the collector goes.
  napi_add_env_cleanup_hook(
      env,
      [](void*) {
        setHandler(nullptr);
        delete current;
        current = nullptr;
      },
      nullptr);
}

void flushWarnings(Napi::Env env) {
  if (!current || current->pending.empty()) return;
  std::vector<Pending> batch;
  batch.swap(current->pending);
  Napi::Value process = env.Global().Get("process");
  if (!process.IsObject()) return;
  Napi::Value emit = process.As<Napi::Object>().Get("emitWarning");
  if (!emit.IsFunction()) return;
  for (const auto& w : batch) {
    auto opts = Napi::Object::New(env);
    opts.Set("type", w.deprecation ? "DeprecationWarning" : "UserWarning");
    opts.Set("code", "LIBTORCH");
    emit.As<Napi::Function>().Call(process, {Napi::String::New(env, w.message), opts});
  }
}

}  // namespace gt
