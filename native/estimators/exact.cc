// The exact gradient by enumeration: E[f(z)] = sum_n p(z_n | logits) f(z_n) over every configuration of
// the latent variables, differentiated by autograd. Only for small latent spaces (C^L configurations).
#include <cmath>
#include "estimators.h"

namespace gt::estimators {

at::Tensor enumerateConfigurations(int64_t latents, int64_t categories, int64_t maxConfigurations, const at::TensorOptions& opts) {
  TORCH_CHECK(latents >= 1 && categories >= 1, "exact: latents and categories must be >= 1");
  int64_t n = 1;
  for (int64_t l = 0; l < latents; ++l) {
    TORCH_CHECK(n <= maxConfigurations / categories, "exact: ", latents, " latents x ", categories, " categories = ", categories, "^", latents,
                " configurations, more than maxConfigurations (", maxConfigurations, ")");
    n *= categories;
  }
  // Digit l of n in base C, most significant first: the order of itertools.product.
  auto idx = torch::arange(n, opts.dtype(at::kLong)).unsqueeze(1);
  std::vector<int64_t> pw(latents);
  int64_t p = 1;
  for (int64_t l = latents - 1; l >= 0; --l, p *= categories) pw[l] = p;
  auto powers = torch::tensor(pw, opts.dtype(at::kLong));
  auto digits = idx.div(powers, "floor").remainder(categories);
  return torch::one_hot(digits, categories).to(c10::typeMetaToScalarType(opts.dtype()));
}

at::Tensor exactExpectation(const at::Tensor& logits, const at::Tensor& configs, const at::Tensor& values) {
  checkLogits(logits, "exact");
  TORCH_CHECK(logits.dim() == 3, "exact: logits must be [batch, latents, categories], got ", logits.sizes());
  TORCH_CHECK(configs.dim() == 3 && configs.sizes().slice(1) == logits.sizes().slice(1), "exact: configurations must be [N, ", logits.size(1), ", ", logits.size(2), "]");
  int64_t n = configs.size(0), b = logits.size(0), l = logits.size(1), c = logits.size(2);
  TORCH_CHECK(values.dim() == 2 && values.size(0) == n && values.size(1) == b, "exact: f must return [N, batch] = [", n, ", ", b, "], got ", values.sizes());
  auto logp = logits.log_softmax(-1);
  auto index = configs.argmax(-1).view({n, 1, l, 1}).expand({n, b, l, 1});
  auto logProb = logp.unsqueeze(0).expand({n, b, l, c}).gather(-1, index).squeeze(-1).sum(-1);  // [N, B]
  return (logProb.exp() * values.to(logits.scalar_type())).sum(0);
}

}  // namespace gt::estimators
