// Drives native/kernels/adam_kernel.cc over LibTorch's Adam state (the same state objects, so stateDict,
// loadStateDict and a later LibTorch step see no difference) and decides where it may run.
#include "adam_single_pass.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <cmath>
#include "adam_state_key.h"
#include "binding/tensor.h"

namespace gt {
namespace {

bool singlePassFits(const at::Tensor& t) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided && t.is_contiguous();
}

float* f32(const at::Tensor& t) { return t.data_ptr<float>(); }

}  // namespace

bool adamSinglePassStep(torch::optim::Adam& adam, AdamRounding r) {
  auto& state = adam.state();
  for (auto& group : adam.param_groups()) {
    auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
    if (o.weight_decay() != 0 || o.amsgrad()) return false;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (!singlePassFits(p) || !singlePassFits(p.grad())) return false;
      auto it = state.find(adamStateKey(state, p));
      if (it == state.end()) continue;
      auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
      if (!singlePassFits(s.exp_avg()) || !singlePassFits(s.exp_avg_sq()) || s.exp_avg().numel() != p.numel() || s.exp_avg_sq().numel() != p.numel())
        return false;
    }
  }
  torch::NoGradGuard noGrad;
  for (auto& group : adam.param_groups()) {
    auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto key = adamStateKey(state, p);
      if (state.find(key) == state.end()) {  // as LibTorch's Adam initialises it
        auto s = std::make_unique<torch::optim::AdamParamState>();
        s->step(0);
        s->exp_avg(torch::zeros_like(p, at::MemoryFormat::Preserve));
        s->exp_avg_sq(torch::zeros_like(p, at::MemoryFormat::Preserve));
        state[key] = std::move(s);
      }
      auto& s = static_cast<torch::optim::AdamParamState&>(*state[key]);
      s.step(s.step() + 1);
      // LibTorch's scalars, computed in double and rounded to float where ATen's kernels take them.
      const double bc1 = 1 - std::pow(beta1, s.step());
      const double bc2 = 1 - std::pow(beta2, s.step());
      const AdamCoeffs c{static_cast<float>(beta1), static_cast<float>(1 - beta1),
                         static_cast<float>(beta2), static_cast<float>(1 - beta2),
                         static_cast<float>(std::sqrt(bc2)), static_cast<float>(o.eps()),
                         static_cast<float>(-(o.lr() / bc1))};
      float *pp = f32(p), *gp = f32(p.grad()), *mp = f32(s.exp_avg()), *vp = f32(s.exp_avg_sq());
      at::parallel_for(0, p.numel(), at::internal::GRAIN_SIZE,
                       [&](int64_t b, int64_t e) { adamUpdate(pp + b, gp + b, mp + b, vp + b, e - b, c, r); });
    }
  }
  return true;
}

std::optional<AdamRounding> probeAdamRounding(const torch::optim::AdamOptions& in) {
  auto opts = torch::optim::AdamOptions(in.lr()).betas(in.betas()).eps(in.eps());
  // Its own generator: the global random stream a seeded run depends on is left untouched.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(20261130);
  const int64_t sizes[] = {4099, 37};  // both leave tails after ATen's 16-float vector loop
  const int steps = 3;
  std::vector<at::Tensor> init, grads;
  for (int64_t n : sizes) {
    init.push_back(at::randn({n}, gen, at::kFloat));
    for (int k = 0; k < steps; ++k) {
      // Mixed magnitudes, so that every rounding step is exercised.
      auto scale = at::pow(10.0, at::randint(-4, 3, {n}, gen, at::kFloat));
      grads.push_back(at::randn({n}, gen, at::kFloat).mul_(scale));
    }
  }
  auto run = [&](const std::optional<AdamRounding>& r) {
    std::vector<at::Tensor> ps;
    for (auto& t : init) ps.push_back(t.clone().requires_grad_(true));
    torch::optim::Adam adam(ps, opts);
    for (int k = 0; k < steps; ++k) {
      for (size_t i = 0; i < ps.size(); ++i) ps[i].mutable_grad() = grads[i * steps + k];
      if (r) adamSinglePassStep(adam, *r);
      else adam.step();
    }
    std::vector<at::Tensor> out;
    for (auto& p : ps) {
      auto& s = static_cast<torch::optim::AdamParamState&>(*adam.state().at(adamStateKey(adam.state(), p)));
      out.insert(out.end(), {p.detach(), s.exp_avg(), s.exp_avg_sq()});
    }
    return out;
  };
  auto same = [](const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!at::equal(a[i], b[i])) return false;
    return true;
  };
  const auto reference = run(std::nullopt);
  for (AdamRounding r : {AdamRounding{true, true}, AdamRounding{true, false}, AdamRounding{false, true}, AdamRounding{false, false}})
    if (same(run(r), reference)) return r;
  return std::nullopt;
}

}  // namespace gt
