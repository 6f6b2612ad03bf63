// nn.utils: gradient clipping and parameter <-> vector conversion, as PyTorch's torch.nn.utils. Table
// ops (lib/op-table.ts): the generated registration reads and checks their arguments.
#pragma once
#include <ATen/ATen.h>
#include <vector>

namespace gt {
// The total norm (a scalar tensor); the gradients scaled in place.
at::Tensor clipGradNorm(const std::vector<at::Tensor>& params, double maxNorm, double normType, bool errorIfNonfinite);
void clipGradValue(const std::vector<at::Tensor>& params, double clipValue);
at::Tensor parametersToVector(const std::vector<at::Tensor>& params);
void vectorToParameters(const at::Tensor& vec, const std::vector<at::Tensor>& params);
}  // namespace gt
