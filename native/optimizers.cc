// LibTorch's own AdamW, RMSprop and Adagrad over a list of parameters (their arithmetic is PyTorch's
// _single_tensor_* step, op for op), behind one JS class: new NativeOptimizer(kind, params, hyper).
#include "optimizers.h"
#include <torch/optim/adagrad.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include "adam_state_key.h"
#include "tensor.h"

namespace gt {
namespace {

using torch::optim::Optimizer;
using torch::optim::OptimizerParamState;

// Per kind: how to build it and how its per-parameter state maps to PyTorch's state_dict names.
struct Kind {
  virtual ~Kind() = default;
  virtual std::unique_ptr<Optimizer> make(const std::vector<at::Tensor>& params, const std::vector<double>& h) const = 0;
  virtual void setLr(Optimizer& o, double lr) const = 0;
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
  std::unique_ptr<Optimizer> make(const std::vector<at::Tensor>& p, const std::vector<double>& h) const override {
    auto o = torch::optim::AdamWOptions(h.at(0)).betas(std::make_tuple(h.at(1), h.at(2))).eps(h.at(3)).weight_decay(h.at(4)).amsgrad(h.at(5) != 0);
    return std::make_unique<torch::optim::AdamW>(p, o);
  }
  void setLr(Optimizer& o, double lr) const override {
    for (auto& g : o.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
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
  std::unique_ptr<Optimizer> make(const std::vector<at::Tensor>& p, const std::vector<double>& h) const override {
    auto o = torch::optim::RMSpropOptions(h.at(0)).alpha(h.at(1)).eps(h.at(2)).weight_decay(h.at(3)).momentum(h.at(4)).centered(h.at(5) != 0);
    return std::make_unique<torch::optim::RMSprop>(p, o);
  }
  void setLr(Optimizer& o, double lr) const override {
    for (auto& g : o.param_groups()) static_cast<torch::optim::RMSpropOptions&>(g.options()).lr(lr);
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
  std::unique_ptr<Optimizer> make(const std::vector<at::Tensor>& p, const std::vector<double>& h) const override {
    auto o = torch::optim::AdagradOptions(h.at(0)).lr_decay(h.at(1)).weight_decay(h.at(2)).initial_accumulator_value(h.at(3)).eps(h.at(4));
    return std::make_unique<torch::optim::Adagrad>(p, o);
  }
  void setLr(Optimizer& o, double lr) const override {
    for (auto& g : o.param_groups()) static_cast<torch::optim::AdagradOptions&>(g.options()).lr(lr);
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

const Kind* kindOf(const std::string& k) {
  static const AdamWKind adamw;
  static const RMSpropKind rmsprop;
  static const AdagradKind adagrad;
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

  // new NativeOptimizer(kind, params, hyper: number[])
  explicit NativeOptimizer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeOptimizer>(info) {
    guard(info.Env(), "optimizer", [&]() -> Napi::Value {
      Args a(info);
      kind_ = kindOf(a.str(0));
      if (!kind_) throw ArgError("unknown optimizer kind");
      params_ = a.tensors(1);
      if (!info[2].IsArray()) throw ArgError("hyper must be an array of numbers");
      auto arr = info[2].As<Napi::Array>();
      std::vector<double> h;
      for (uint32_t i = 0; i < arr.Length(); ++i) h.push_back(arr.Get(i).ToNumber().DoubleValue());
      opt_ = kind_->make(params_, h);
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
      kind_->setLr(*opt_, Args(info).f64(0));
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
        if (!TensorWrap::IsTensor(info.Env(), v)) throw ArgError("state values must be tensors");
        t[name] = TensorWrap::Unwrap(v.As<Napi::Object>())->tensor();
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
