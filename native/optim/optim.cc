// LibTorch's own optimizers over a list of parameter tensors, so the arithmetic is PyTorch's.
#include <torch/optim/adam.h>
#include <torch/version.h>
#include <cmath>
#include "adam_single_pass.h"
#include "adam_state_key.h"
#include "optimizers.h"
#include "binding/tensor.h"
#include "tensor_groups.h"

// PyTorch 2's fused multi-tensor Adam (one kernel for all parameters, steps kept on the device).
#if TORCH_VERSION_MAJOR >= 2
#define GT_HAS_FUSED_ADAM 1
#endif

namespace gt {

class OptimizerWrap : public Napi::ObjectWrap<OptimizerWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeAdam",
                       {InstanceMethod<&OptimizerWrap::Step>("step"),
                        InstanceMethod<&OptimizerWrap::ZeroGrad>("zeroGrad"),
                        InstanceMethod<&OptimizerWrap::SetLr>("setLr"),
                        InstanceMethod<&OptimizerWrap::GetState>("getState"),
                        InstanceMethod<&OptimizerWrap::SetState>("setState"),
                        InstanceMethod<&OptimizerWrap::SinglePass>("singlePass")});
  }

  // new NativeAdam(params, lr, beta1, beta2, eps, weightDecay, amsgrad, fused, singlePass)
  explicit OptimizerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OptimizerWrap>(info) {
    guard(info.Env(), "Adam", [&]() -> Napi::Value {
      Args a(info);
      params_ = a.tensors(0);
      auto opts = torch::optim::AdamOptions(a.f64(1))
                      .betas(std::make_tuple(a.f64(2), a.f64(3)))
                      .eps(a.f64(4))
                      .weight_decay(a.f64(5))
                      .amsgrad(a.flag(6));
      adam_ = std::make_unique<torch::optim::Adam>(params_, opts);
      fused_ = a.flag(7, false);
      // The one-pass CPU step, where it reproduces LibTorch's rounding on this CPU (probed once here).
      if (!fused_ && a.flag(8, false) && !opts.amsgrad() && opts.weight_decay() == 0) rounding_ = probeAdamRounding(opts);
#ifndef GT_HAS_FUSED_ADAM
      if (fused_) throw ArgError("fused Adam needs LibTorch 2 or later (this build has " TORCH_VERSION ")");
#else
      if (fused_) {
        // As torch.optim.Adam(fused=True): floating-point parameters on CUDA or the CPU, of any mix of
        // devices and dtypes (Step launches one kernel per group).
        for (auto& p : params_) {
          TORCH_CHECK(p.is_cuda() || p.is_cpu(), "fused Adam: unsupported device ", p.device());
          TORCH_CHECK(p.is_floating_point(), "fused Adam: parameters must be floating point, got ", p.scalar_type());
        }
        lr_ = opts.lr(); beta1_ = std::get<0>(opts.betas()); beta2_ = std::get<1>(opts.betas());
        eps_ = opts.eps(); weightDecay_ = opts.weight_decay(); amsgrad_ = opts.amsgrad();
        for (auto& p : params_) {
          expAvg_.push_back(torch::zeros_like(p, at::MemoryFormat::Preserve));
          expAvgSq_.push_back(torch::zeros_like(p, at::MemoryFormat::Preserve));
          if (amsgrad_) maxExpAvgSq_.push_back(torch::zeros_like(p, at::MemoryFormat::Preserve));
          steps_.push_back(torch::zeros({}, p.options().dtype(at::kFloat)));
        }
      }
#endif
      return info.Env().Undefined();
    });
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Adam.step", [&]() -> Napi::Value {
#ifdef GT_HAS_FUSED_ADAM
      if (fused_) {
        std::vector<at::Tensor> withGrad;
        std::vector<size_t> index;
        for (size_t i = 0; i < params_.size(); ++i) {
          if (!params_[i].grad().defined()) continue;  // as PyTorch: parameters without gradients are skipped
          withGrad.push_back(params_[i]);
          index.push_back(i);
        }
        torch::NoGradGuard noGrad;
        // One fused launch per (device, dtype), as torch/optim/adam.py's _fused_adam groups them.
        for (const auto& group : groupByDeviceAndDtype(withGrad)) {
          std::vector<at::Tensor> p, g, m, v, vmax, st;
          for (size_t k : group) {
            const size_t i = index[k];
            p.push_back(params_[i]);
            g.push_back(params_[i].grad());
            m.push_back(expAvg_[i]);
            v.push_back(expAvgSq_[i]);
            if (amsgrad_) vmax.push_back(maxExpAvgSq_[i]);
            st.push_back(steps_[i]);
          }
          at::_foreach_add_(st, 1);
          at::_fused_adam_(p, g, m, v, vmax, st, lr_, beta1_, beta2_, weightDecay_, eps_, amsgrad_, /*maximize=*/false,
                           std::nullopt, std::nullopt);
        }
        return info.Env().Undefined();
      }
#endif
      if (!rounding_ || !adamSinglePassStep(*adam_, *rounding_)) adam_->step();
      return info.Env().Undefined();
    });
  }
  Napi::Value SinglePass(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), rounding_.has_value()); }
  Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Adam.zeroGrad", [&]() -> Napi::Value {
      for (auto& p : params_) p.mutable_grad() = at::Tensor();
      return info.Env().Undefined();
    });
  }
  Napi::Value SetLr(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Adam.setLr", [&]() -> Napi::Value {
      Args a(info);
      for (auto& g : adam_->param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(a.f64(0));
      lr_ = a.f64(0);
      return info.Env().Undefined();
    });
  }
  // State per parameter, in parameter order: [step, expAvg, expAvgSq, maxExpAvgSq?] or null.
  Napi::Value GetState(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Adam.getState", [&]() -> Napi::Value {
      Napi::Env env = info.Env();
      auto out = Napi::Array::New(env, params_.size());
      if (fused_) {
        for (size_t i = 0; i < params_.size(); ++i) {
          double step = steps_[i].item<double>();
          if (step == 0) {
            out.Set(i, env.Null());
            continue;
          }
          auto o = Napi::Object::New(env);
          o.Set("step", step);
          o.Set("expAvg", toJs(env, expAvg_[i].clone()));
          o.Set("expAvgSq", toJs(env, expAvgSq_[i].clone()));
          if (amsgrad_) o.Set("maxExpAvgSq", toJs(env, maxExpAvgSq_[i].clone()));
          out.Set(i, o);
        }
        return out;
      }
      auto& state = adam_->state();
      for (size_t i = 0; i < params_.size(); ++i) {
        auto it = state.find(adamStateKey(state, params_[i]));
        if (it == state.end()) {
          out.Set(i, env.Null());
          continue;
        }
        auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
        auto o = Napi::Object::New(env);
        o.Set("step", static_cast<double>(s.step()));
        o.Set("expAvg", toJs(env, s.exp_avg()));
        o.Set("expAvgSq", toJs(env, s.exp_avg_sq()));
        if (s.max_exp_avg_sq().defined()) o.Set("maxExpAvgSq", toJs(env, s.max_exp_avg_sq()));
        out.Set(i, o);
      }
      return out;
    });
  }
  // setState(index, step, expAvg, expAvgSq, maxExpAvgSq?)
  Napi::Value SetState(const Napi::CallbackInfo& info) {
    return guard(info.Env(), "Adam.setState", [&]() -> Napi::Value {
      Args a(info);
      int64_t i = a.i64(0);
      if (i < 0 || i >= static_cast<int64_t>(params_.size())) throw RangeArgError("parameter index out of range");
      if (fused_) {
        torch::NoGradGuard noGrad;
        steps_[i].fill_(static_cast<double>(a.i64(1)));
        expAvg_[i].copy_(a.tensor(2));
        expAvgSq_[i].copy_(a.tensor(3));
        if (amsgrad_ && a.has(4)) maxExpAvgSq_[i].copy_(a.tensor(4));
        return info.Env().Undefined();
      }
      auto s = std::make_unique<torch::optim::AdamParamState>();
      s->step(a.i64(1));
      s->exp_avg(a.tensor(2).detach().clone());
      s->exp_avg_sq(a.tensor(3).detach().clone());
      if (a.has(4)) s->max_exp_avg_sq(a.tensor(4).detach().clone());
      adam_->state()[adamStateKey(adam_->state(), params_[i])] = std::move(s);
      return info.Env().Undefined();
    });
  }

  std::vector<at::Tensor> params_;
  std::unique_ptr<torch::optim::Adam> adam_;
  bool fused_ = false;
  std::optional<AdamRounding> rounding_;
  double lr_ = 0, beta1_ = 0, beta2_ = 0, eps_ = 0, weightDecay_ = 0;
  bool amsgrad_ = false;
  std::vector<at::Tensor> expAvg_, expAvgSq_, maxExpAvgSq_, steps_;
};

// The C library's cos, which Python's math.cos calls: learning-rate schedules (CosineAnnealingLR,
// OneCycleLR) equal PyTorch's to the bit only with it (V8's Math.cos rounds differently now and then).
void initOptim(Napi::Env env, Napi::Object x) {
  x.Set("NativeAdam", OptimizerWrap::Define(env));
  // The C library's cos, which Python's math.cos calls: learning-rate schedules (CosineAnnealingLR,
  // OneCycleLR) equal PyTorch's to the bit only with it (V8's Math.cos rounds differently now and then).
  GT_DEF(x, "libmCos", { return std::cos(a.f64(0)); });
  initLibtorchOptimizers(env, x);
#ifdef GT_HAS_FUSED_ADAM
  x.Set("fusedAdamAvailable", Napi::Boolean::New(env, true));
#else
  x.Set("fusedAdamAvailable", Napi::Boolean::New(env, false));
#endif
}

}  // namespace gt
