// How LibTorch's Adam keys its per-parameter state: 1.x by the TensorImpl address printed as a
// string, 2.x by the address itself.
#pragma once
#include <sstream>
#include <string>
#include <type_traits>
#include <ATen/ATen.h>

namespace gt {
template <typename Map>
typename Map::key_type adamStateKey(const Map&, const at::Tensor& p) {
  using K = typename Map::key_type;
  if constexpr (std::is_same_v<K, std::string>) {
    std::ostringstream s;
    s << p.unsafeGetTensorImpl();
    return s.str();
  } else {
    return static_cast<K>(p.unsafeGetTensorImpl());
  }
}
}  // namespace gt
