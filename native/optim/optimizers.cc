// LibTorch's own AdamW, RMSprop and Adagrad, and our RAdam (radam.cc), over parameter groups with their own
// options (their arithmetic is PyTorch's _single_tensor_* step, op for op), behind one JS class:
// new NativeOptimizer(kind, params, groups, sizes).
#include "optimizers.h"
#include <torch/optim/adagrad.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include "adam_state_key.h"
#include "radam.h"
#include "binding/tensor.h"

namespace gt {
namespace {

using torch::optim::Optimizer;
using torch::optim::OptimizerParamState;

// Per kind: how to build it and how its per-parameter state maps to PyTorch's state_dict names.
struct Kind {
  virtual ~Kind() = default;
  // One group's options from its hyperparameters (lr first, then the kind's order).
  virtual std::unique_ptr<torch::optim::OptimizerOptions> options(const std::vector<double>& h) const = 0;
  virtual std::unique_ptr<Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> groups, const torch::optim::OptimizerOptions& defaults) const = 0;
  virtual std::vector<std::pair<std::string, at::Tensor>> tensors(OptimizerParamState& s) const = 0;
  virtual int64_t step(OptimizerParamState& s) const = 0;
  virtual std::unique_ptr<OptimizerParamState> build(int64_t step, const std::map<std::string, at::Tensor>& t) const = 0;
};

at::Tensor take(const std::map<std::string, at::Tensor>& t, const char* k) {
  auto it = t.find(k);
  return it == t.end() ? at::Tensor() : it->second.detach().clone();
}

struct AdamWKind : Kind {
  // hyper: lr, beta1, beta2, eps, weightDecay, amsgrad
  std::unique_ptr<torch::optim::OptimizerOptions> options(const std::vector<double>& h) const override {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(h.at(0)).betas(std::make_tuple(h.at(1), h.at(2))).eps(h.at(3)).weight_decay(h.at(4)).amsgrad(h.at(5) != 0));
  }
  std::unique_ptr<Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> g, const torch::optim::OptimizerOptions& d) const override {
    return std::make_unique<torch::optim::AdamW>(std::move(g), static_cast<const torch::optim::AdamWOptions&>(d));
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors(OptimizerParamState& b) const override {
    auto& s = static_cast<torch::optim::AdamWParamState&>(b);
    std::vector<std::pair<std::string, at::Tensor>> v{{"exp_avg", s.exp_avg()}, {"exp_avg_sq", s.exp_avg_sq()}};
    if (s.max_exp_avg_sq().defined()) v.emplace_back("max_exp_avg_sq", s.max_exp_avg_sq());
    return v;
  }
  int64_t step(OptimizerParamState& b) const override { return static_cast<torch::optim::AdamWParamState&>(b).step(); }
  std::unique_ptr<OptimizerParamState> build(int64_t step, const std::map<std::string, at::Tensor>& t) const override {
    auto s = std::make_unique<torch::optim::AdamWParamState>();
    s->step(step);
    s->exp_avg(take(t, "exp_avg"));
    s->exp_avg_sq(take(t, "exp_avg_sq"));
    if (t.count("max_exp_avg_sq")) s->max_exp_avg_sq(take(t, "max_exp_avg_sq"));
    return s;
  }
};

struct RMSpropKind : Kind {
  // hyper: lr, alpha, eps, weightDecay, momentum, centered
  std::unique_ptr<torch::optim::OptimizerOptions> options(const std::vector<double>& h) const override {
    return std::make_unique<torch::optim::RMSpropOptions>(
        torch::optim::RMSpropOptions(h.at(0)).alpha(h.at(1)).eps(h.at(2)).weight_decay(h.at(3)).momentum(h.at(4)).centered(h.at(5) != 0));
  }
  std::unique_ptr<Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> g, const torch::optim::OptimizerOptions& d) const override {
    return std::make_unique<torch::optim::RMSprop>(std::move(g), static_cast<const torch::optim::RMSpropOptions&>(d));
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors(OptimizerParamState& b) const override {
    auto& s = static_cast<torch::optim::RMSpropParamState&>(b);
    std::vector<std::pair<std::string, at::Tensor>> v{{"square_avg", s.square_avg()}};
    if (s.momentum_buffer().defined()) v.emplace_back("momentum_buffer", s.momentum_buffer());
    if (s.grad_avg().defined()) v.emplace_back("grad_avg", s.grad_avg());
    return v;
  }
  int64_t step(OptimizerParamState& b) const override { return static_cast<torch::optim::RMSpropParamState&>(b).step(); }
  std::unique_ptr<OptimizerParamState> build(int64_t step, const std::map<std::string, at::Tensor>& t) const override {
    auto s = std::make_unique<torch::optim::RMSpropParamState>();
    s->step(step);
    s->square_avg(take(t, "square_avg"));
    if (t.count("momentum_buffer")) s->momentum_buffer(take(t, "momentum_buffer"));
    if (t.count("grad_avg")) s->grad_avg(take(t, "grad_avg"));
    return s;
  }
};

struct AdagradKind : Kind {
  // hyper: lr, lrDecay, weightDecay, initialAccumulatorValue, eps
  std::unique_ptr<torch::optim::OptimizerOptions> options(const std::vector<double>& h) const override {
    return std::make_unique<torch::optim::AdagradOptions>(
        torch::optim::AdagradOptions(h.at(0)).lr_decay(h.at(1)).weight_decay(h.at(2)).initial_accumulator_value(h.at(3)).eps(h.at(4)));
  }
  std::unique_ptr<Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> g, const torch::optim::OptimizerOptions& d) const override {
    return std::make_unique<torch::optim::Adagrad>(std::move(g), static_cast<const torch::optim::AdagradOptions&>(d));
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors(OptimizerParamState& b) const override {
    return {{"sum", static_cast<torch::optim::AdagradParamState&>(b).sum()}};
  }
  int64_t step(OptimizerParamState& b) const override { return static_cast<torch::optim::AdagradParamState&>(b).step(); }
  std::unique_ptr<OptimizerParamState> build(int64_t step, const std::map<std::string, at::Tensor>& t) const override {
    auto s = std::make_unique<torch::optim::AdagradParamState>();
    s->step(step);
    s->sum(take(t, "sum"));
    return s;
  }
};

struct RAdamKind : Kind {
  // hyper: lr, beta1, beta2, eps, weightDecay
  std::unique_ptr<torch::optim::OptimizerOptions> options(const std::vector<double>& h) const override {
    return std::make_unique<RAdamOptions>(RAdamOptions(h.at(0)).beta1(h.at(1)).beta2(h.at(2)).eps(h.at(3)).weight_decay(h.at(4)));
  }
  std::unique_ptr<Optimizer> make(std::vector<torch::optim::OptimizerParamGroup> g, const torch::optim::OptimizerOptions& d) const override {
    return std::make_unique<RAdam>(std::move(g), static_cast<const RAdamOptions&>(d));
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors(OptimizerParamState& b) const override {
    auto& s = static_cast<RAdamParamState&>(b);
    return {{"exp_avg", s.exp_avg()}, {"exp_avg_sq", s.exp_avg_sq()}};
  }
  int64_t step(OptimizerParamState& b) const override { return static_cast<RAdamParamState&>(b).step(); }
  std::unique_ptr<OptimizerParamState> build(int64_t step, const std::map<std::string, at::Tensor>& t) const override {
    auto s = std::make_unique<RAdamParamState>();
    s->step(step);
    s->exp_avg(take(t, "exp_avg"));
    s->exp_avg_sq(take(t, "exp_avg_sq"));
    return s;
  }
};

const Kind* kindOf(const std::string& k) {
  static const AdamWKind adamw;
  static const RMSpropKind rmsprop;
  static const AdagradKind adagrad;
  static const RAdamKind radam;
  if (k == "radam") return &radam;
  if (k == "adamw") return &adamw;
  if (k == "rmsprop") return &rmsprop;
  if (k == "adagrad") return &adagrad;
  return nullptr;
}

class NativeOptimizer : public Napi::ObjectWrap<NativeOptimizer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeOptimizer",
                       {InstanceMethod<&NativeOptimizer::Step>("step"), InstanceMethod<&NativeOptimizer::SetLr>("setLr"),
                        InstanceMethod<&NativeOptimizer::GetState>("getState"),
                        InstanceMethod<&NativeOptimizer::SetState>("setState")});
  }

  // new NativeOptimizer(kind, params, groups: number[][] (one hyperparameter list per group, lr first),
  // sizes: number[] (how many of params, in order, each group holds), defaults: number[] (the
  // constructor's own options)): PyTorch's parameter groups.
  explicit NativeOptimizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeOptimizer>(info) {
    guard(info.Env(), "optimizer", [&]() -> Napi::Value {
      Args a(info);
      kind_ = kindOf(a.str(0));
      if (!kind_) throw ArgError("unknown optimizer kind");
      params_ = a.tensors(1);
      if (!info[2].IsArray()) throw ArgError("groups must be an array of number arrays");
      auto hypers = info[2].As<Napi::Array>();
      const std::vector<int64_t> sizes = a.ints(3);
      if (sizes.size() != hypers.Length() || sizes.empty()) throw ArgError("groups and sizes must have the same, non-zero length");
      auto numbers = [](const Napi::Value& v) {
        if (!v.IsArray()) throw ArgError("hyperparameters must be arrays of numbers");
        auto arr = v.As<Napi::Array>();
        std::vector<double> h;
        for (uint32_t i = 0; i < arr.Length(); ++i) h.push_back(arr.Get(i).ToNumber().DoubleValue());
        return h;
      };
      std::vector<torch::optim::OptimizerParamGroup> groups;
      size_t at = 0;
      for (uint32_t g = 0; g < hypers.Length(); ++g) {
        if (sizes[g] <= 0 || at + sizes[g] > params_.size()) throw RangeArgError("group sizes do not match the parameters");
        std::vector<at::Tensor> ps(params_.begin() + at, params_.begin() + at + sizes[g]);
        at += sizes[g];
        groups.emplace_back(std::move(ps), kind_->options(numbers(hypers.Get(g))));
      }
      if (at != params_.size()) throw RangeArgError("group sizes do not match the parameters");
      opt_ = kind_->make(std::move(groups), *kind_->options(numbers(info[4])));
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "optimizer.step", [&]() -> Napi::Value {
      opt_->step();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "optimizer.setLr", [&]() -> Napi::Value {
      // setLr(group, lr)
      Args a(info);
      const int64_t g = a.i64(0);
      auto& groups = opt_->param_groups();
      if (g < 0 || g >= static_cast<int64_t>(groups.size())) throw RangeArgError("group index out of range");
      groups[g].options().set_lr(a.f64(1));
      return info.Env().Undefined();
    });
  }
  // Per parameter, in order: null or { step, tensors: { name: tensor } } (the tensors are copies).
  Napi::Value GetState(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "optimizer.getState", [&]() -> Napi::Value {
      Napi::Env env = info.Env();
      auto out = Napi::Array::New(env, params_.size());
      auto& state = opt_->state();
      for (size_t i = 0; i < params_.size(); ++i) {
        auto it = state.find(adamStateKey(state, params_[i]));
        if (it == state.end()) {
          out.Set(i, env.Null());
          continue;
        }
        auto o = Napi::Object::New(env);
        o.Set("step", static_cast<double>(kind_->step(*it->second)));
        auto t = Napi::Object::New(env);
        for (auto& [name, v] : kind_->tensors(*it->second)) t.Set(name, toJs(env, v.detach().clone()));
        o.Set("tensors", t);
        out.Set(i, o);
      }
      return out;
    });
  }
  // setState(index, step, { name: tensor }): the tensors are copied (checked in TypeScript first).
  Napi::Value SetState(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "optimizer.setState", [&]() -> Napi::Value {
      Args a(info);
      int64_t i = a.i64(0);
      if (i < 0 || i >= static_cast<int64_t>(params_.size())) throw RangeArgError("parameter index out of range");
      if (!info[2].IsObject()) throw ArgError("state tensors must be an object");
      auto obj = info[2].As<Napi::Object>();
      std::map<std::string, at::Tensor> t;
      auto names = obj.GetPropertyNames();
      for (uint32_t k = 0; k < names.Length(); ++k) {
        std::string name = names.Get(k).As<Napi::String>().Utf8Value();
        Napi::Value v = obj.Get(name);
        const at::Tensor* st = handles::find(info.Env(), v);
        if (!st) throw ArgError(handles::isHandle(info.Env(), v) ? "state values: tensor has been disposed" : "state values must be tensors");
        t[name] = *st;
      }
      opt_->state()[adamStateKey(opt_->state(), params_[i])] = kind_->build(a.i64(1), t);
      return info.Env().Undefined();
    });
  }

  const Kind* kind_ = nullptr;
  std::vector<at::Tensor> params_;
  std::unique_ptr<Optimizer> opt_;
};

}  // namespace

void initLibtorchOptimizers(Napi::Env env, Napi::Object x) { x.Set("NativeOptimizer", NativeOptimizer::Define(env)); }

}  // namespace gt
