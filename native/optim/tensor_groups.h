// Tensors grouped by (device, dtype), as PyTorch's Optimizer._group_tensors_by_device_and_dtype does
// before each fused/foreach kernel (torch/optim/adam.py, _fused_adam): one kernel launch per group,
// since a fused kernel takes tensors of one device and dtype only.
#pragma once
#include <ATen/ATen.h>
#include <cstddef>
#include <utility>
#include <vector>

namespace gt {

// Indices into `tensors`, one list per (device, dtype) in order of first appearance; each list in
// the tensors' order.
inline std::vector<std::vector<size_t>> groupByDeviceAndDtype(const std::vector<at::Tensor>& tensors) {
  std::vector<std::pair<std::pair<at::Device, at::ScalarType>, std::vector<size_t>>> groups;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto key = std::make_pair(tensors[i].device(), tensors[i].scalar_type());
    auto it = groups.begin();
    while (it != groups.end() && it->first != key) ++it;
    if (it == groups.end()) it = groups.insert(groups.end(), {key, {}});
    it->second.push_back(i);
  }
  std::vector<std::vector<size_t>> out;
  for (auto& g : groups) out.push_back(std::move(g.second));
  return out;
}

}  // namespace gt
