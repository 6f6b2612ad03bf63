// nn.functional's losses around ATen's kernels (losses.cc); called by the op table's entries.
#pragma once
#include <ATen/ATen.h>
#include <string>

namespace gt {

at::Tensor mseLossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction);
at::Tensor l1LossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction);
at::Tensor smoothL1LossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction, double beta);
at::Tensor huberLossOp(const at::Tensor& input, const at::Tensor& target, int64_t reduction, double delta);
at::Tensor crossEntropyOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, int64_t ignoreIndex, int64_t reduction,
                          double labelSmoothing);
at::Tensor nllLossOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, int64_t ignoreIndex, int64_t reduction);
at::Tensor bceWithLogitsOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight, const at::Tensor& posWeight,
                           int64_t reduction);
at::Tensor klDivOp(const at::Tensor& input, const at::Tensor& target, const std::string& reduction, bool logTarget);
at::Tensor gaussianNllLossOp(const at::Tensor& input, const at::Tensor& target, const at::Tensor& var, bool full, double eps, int64_t reduction);

}  // namespace gt
