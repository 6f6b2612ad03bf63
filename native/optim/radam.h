// optim.RAdam as a LibTorch optimizer (LibTorch has none), so it shares NativeOptimizer's parameter
// groups and state handling with AdamW, RMSprop and Adagrad (optimizers.cc).
#pragma once
#include <torch/optim/optimizer.h>
#include <torch/arg.h>

namespace gt {

struct RAdamOptions : public torch::optim::OptimizerCloneableOptions<RAdamOptions> {
  explicit RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  double get_lr() const override { return lr(); }
  void set_lr(const double v) override { lr(v); }
};

struct RAdamParamState : public torch::optim::OptimizerCloneableParamState<RAdamParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(at::Tensor, exp_avg);
  TORCH_ARG(at::Tensor, exp_avg_sq);
};

class RAdam : public torch::optim::Optimizer {
 public:
  RAdam(std::vector<torch::optim::OptimizerParamGroup> groups, const RAdamOptions& defaults)
      : torch::optim::Optimizer(std::move(groups), std::make_unique<RAdamOptions>(defaults)) {}
  at::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace gt
