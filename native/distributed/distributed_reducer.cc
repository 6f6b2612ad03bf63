// The gradient reducer behind DistributedDataParallel, after PyTorch's: parameters are grouped into
// buckets in reverse order (backward produces the last layers' gradients first); a gradient hook
// copies each gradient into its bucket and starts the bucket's all-reduce as soon as the bucket is
// full, so communication overlaps the rest of backward; at the end of backward (a final callback of
// the autograd engine) it waits, divides by the world size and points each .grad at its averaged
// slice. Buckets start in index order on every rank, so the collectives always match up.
#include <torch/csrc/autograd/engine.h>
#include <memory>
#include <mutex>
#include "distributed.h"
#include "binding/tensor.h"

namespace gt {

#ifdef GT_WITH_C10D
namespace {

struct Bucket {
  std::vector<size_t> members;  // parameter indices
  std::vector<int64_t> offsets;
  int64_t numel = 0;
  at::TensorOptions options;
  at::Tensor flat;
  size_t pending = 0;
  c10::intrusive_ptr<c10d::Work> work;
};

class Reducer : public std::enable_shared_from_this<Reducer> {
 public:
  Reducer(std::vector<at::Tensor> params, int64_t firstCapBytes, int64_t capBytes) : params_(std::move(params)) {
    bucketOf_.assign(params_.size(), 0);
    slotOf_.assign(params_.size(), 0);
    ready_.assign(params_.size(), false);
    int64_t bytes = 0;
    for (size_t k = params_.size(); k-- > 0;) {
      const auto& p = params_[k];
      if (!p.requires_grad()) throw ArgError("DistributedDataParallel: parameter " + std::to_string(k) + " does not require grad");
      const int64_t cap = buckets_.size() <= 1 ? firstCapBytes : capBytes;
      if (buckets_.empty() || bytes >= cap || buckets_.back().options.dtype() != p.dtype() || buckets_.back().options.device() != p.device()) {
        buckets_.emplace_back();
        buckets_.back().options = p.options().requires_grad(false);
        bytes = 0;
      }
      auto& b = buckets_.back();
      bucketOf_[k] = buckets_.size() - 1;
      slotOf_[k] = b.members.size();
      b.members.push_back(k);
      b.offsets.push_back(b.numel);
      b.numel += p.numel();
      bytes += p.numel() * static_cast<int64_t>(p.element_size());
    }
  }

  void attach() {
    std::weak_ptr<Reducer> self = shared_from_this();
    for (size_t k = 0; k < params_.size(); ++k)
      hooks_.push_back(params_[k].register_hook([self, k](const at::Tensor& grad) {
        if (auto r = self.lock()) r->onGrad(k, grad);
      }));
  }
  void detach() {
    for (size_t k = 0; k < hooks_.size(); ++k) params_[k].remove_hook(hooks_[k]);
    hooks_.clear();
  }
  void setSync(bool on) { sync_ = on; }
  int64_t bucketCount() const { return static_cast<int64_t>(buckets_.size()); }

 private:
  void onGrad(size_t k, const at::Tensor& grad) {
    std::lock_guard<std::mutex> lk(m_);
    if (!sync_) return;  // noSync(): gradients accumulate locally, as PyTorch's no_sync()
    // A hook fires once per parameter and backward; firing again means a new backward after one
    // that failed before its final callback.
    if (!inBackward_ || ready_[k]) begin();
    torch::NoGradGuard noGrad;
    auto& b = buckets_[bucketOf_[k]];
    auto slice = b.flat.narrow(0, b.offsets[slotOf_[k]], params_[k].numel()).view(params_[k].sizes());
    slice.copy_(grad);
    // What AccumulateGrad is about to store: the gradient plus any gradient already accumulated
    // (e.g. under noSync), so the average is of the accumulated gradients, as PyTorch's.
    const auto& old = params_[k].grad();
    if (old.defined()) slice.add_(old);
    ready_[k] = true;
    if (--b.pending == 0) launchReady();
  }

  void begin() {
    inBackward_ = true;
    ready_.assign(params_.size(), false);
    next_ = 0;
    for (auto& b : buckets_) {
      b.flat = at::empty({b.numel}, b.options);  // fresh: the last step's .grad tensors are views of the old one
      b.pending = b.members.size();
      b.work.reset();
    }
    std::weak_ptr<Reducer> self = shared_from_this();
    torch::autograd::Engine::get_default_engine().queue_callback([self] {
      if (auto r = self.lock()) r->finish();
    });
  }

  void launchReady() {
    while (next_ < buckets_.size() && buckets_[next_].pending == 0) {
      std::vector<at::Tensor> v{buckets_[next_].flat};
      buckets_[next_].work = dist::allReduceSum("DistributedDataParallel's gradient all-reduce", v);
      ++next_;
    }
  }

  void finish() {
    std::lock_guard<std::mutex> lk(m_);
    if (!inBackward_) return;
    inBackward_ = false;
    torch::NoGradGuard noGrad;
    // Parameters this backward did not reach contribute what they hold (zero without a gradient).
    for (size_t i = next_; i < buckets_.size(); ++i) {
      auto& b = buckets_[i];
      for (size_t s = 0; s < b.members.size(); ++s) {
        size_t k = b.members[s];
        if (ready_[k]) continue;
        auto slice = b.flat.narrow(0, b.offsets[s], params_[k].numel());
        const auto& g = params_[k].grad();
        if (g.defined()) slice.copy_(g.reshape(-1));
        else slice.zero_();
      }
      b.pending = 0;
    }
    launchReady();
    const int n = dist::worldSize();
    for (auto& b : buckets_) {
      dist::wait("DistributedDataParallel's gradient all-reduce", b.work);
      b.work.reset();
      b.flat.div_(n);
      for (size_t s = 0; s < b.members.size(); ++s) {
        auto& p = params_[b.members[s]];
        p.mutable_grad() = b.flat.narrow(0, b.offsets[s], p.numel()).view(p.sizes());
      }
    }
  }

  std::mutex m_;
  std::vector<at::Tensor> params_;
  std::vector<unsigned> hooks_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucketOf_, slotOf_;
  std::vector<bool> ready_;
  size_t next_ = 0;
  bool inBackward_ = false;
  bool sync_ = true;
};

class ReducerWrap : public Napi::ObjectWrap<ReducerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeReducer",
                       {InstanceMethod<&ReducerWrap::Dispose>("dispose"), InstanceMethod<&ReducerWrap::SetSync>("setSync"),
                        InstanceMethod<&ReducerWrap::BucketCount>("bucketCount")});
  }
  // new NativeReducer(params, firstBucketBytes, bucketBytes)
  explicit ReducerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReducerWrap>(info) {
    guard(info.Env(), "Reducer", [&]() -> Napi::Value {
      Args a(info);
      dist::worldSize();  // throws unless a process group is initialised
      reducer_ = std::make_shared<Reducer>(a.tensors(0), a.i64(1), a.i64(2));
      reducer_->attach();
      return info.Env().Undefined();
    });
  }
  ~ReducerWrap() override {
    if (reducer_) reducer_->detach();
  }

 private:
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Reducer.dispose", [&]() -> Napi::Value {
      if (reducer_) reducer_->detach();
      reducer_.reset();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetSync(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Reducer.setSync", [&]() -> Napi::Value {
      Args a(info);
      if (reducer_) reducer_->setSync(a.flag(0));
      return info.Env().Undefined();
    });
  }
  Napi::Value BucketCount(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Reducer.bucketCount", [&]() -> Napi::Value { return toJs(info.Env(), reducer_ ? reducer_->bucketCount() : int64_t(0)); });
  }
  std::shared_ptr<Reducer> reducer_;
};

}  // namespace
#endif

void initDistributedReducer(Napi::Env env, Napi::Object x) {
#ifdef GT_WITH_C10D
  x.Set("NativeReducer", ReducerWrap::Define(env));
#else
  // Constructing it throws as distInit does (DistributedDataParallel checks for a group first).
  x.Set("NativeReducer", makeFn(env, "NativeReducer", [](Args&) { throw std::runtime_error("DistributedDataParallel: this build of gumbel-torch has no distributed support (no gloo headers at build time)"); }));
#endif
}

}  // namespace gt
