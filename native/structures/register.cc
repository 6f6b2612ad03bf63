// JS entry points of the structure ops (one GT_DEF each, like gumbel/register.cc).
#include "../tensor.h"
#include "structures.h"

namespace gt {

void initStructures(Napi::Env env, Napi::Object x) {
  (void)env;
  using namespace structures;
  // relaxedTopK(scores, noise?, k, tau, hard, dim)
  GT_DEF(x, "relaxedTopK", { return relaxedTopK(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.i64(2), a.f64(3), a.flag(4), a.i64(5)); });
  // gumbelTopK(scores, noise?, k, dim) -> [indices, mask]
  GT_DEF(x, "gumbelTopK", { return gumbelTopK(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.i64(2), a.i64(3)); });
  GT_DEF(x, "subsetLogProb", { return subsetLogProb(a.tensor(0), a.tensor(1), a.i64(2)); });
  GT_DEF(x, "sinkhorn", { return sinkhorn(a.tensor(0), a.i64(1)); });
  // gumbelSinkhorn(logAlpha, noise?, tau, iters)
  GT_DEF(x, "gumbelSinkhorn", { return gumbelSinkhorn(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.i64(3)); });
  GT_DEF(x, "matching", { return matching(a.tensor(0)); });
  GT_DEF(x, "permutationMatrix", { return permutationMatrix(a.tensor(0), a.has(1) ? a.dtype(1) : at::kFloat); });
  GT_DEF(x, "kendallTau", { return kendallTau(a.tensor(0), a.tensor(1)); });
}

}  // namespace gt
