// JS entry points of the Gumbel family (one GT_DEF each, like ops.cc).
#include "../tensor.h"
#include "gumbel.h"

namespace gt {

void initGumbel(Napi::Env env, Napi::Object x) {
  using namespace gumbel;
  GT_DEF(x, "setFusedKernels", { setFusedKernels(a.flag(0)); });
  GT_DEF(x, "fusedKernels", { return fusedKernels(); });
  GT_DEF(x, "sampleGumbel", { return sampleGumbel(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "gumbelFromUniform", { return gumbelFromUniform(a.tensor(0), a.flag(1, false), a.f64(2, 1e-20)); });
  GT_DEF(x, "sampleLogistic", { return sampleLogistic(a.ints(0), a.options(1, 2)); });
  GT_DEF(x, "logisticFromUniform", { return logisticFromUniform(a.tensor(0)); });
  // gumbelSoftmax(logits, noise?, tau, hard, dim)
  GT_DEF(x, "gumbelSoftmax", { return gumbelSoftmax(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.flag(3), a.i64(4)); });
  GT_DEF(x, "relaxedBernoulli", { return relaxedBernoulli(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.flag(3)); });
  GT_DEF(x, "oneHotCategorical", { return oneHotCategorical(a.tensor(0), a.i64(1), a.flag(2)); });
  GT_DEF(x, "expRelaxedCategoricalLogProb", { return expRelaxedCategoricalLogProb(a.tensor(0), a.f64(1), a.tensor(2), a.i64(3)); });
  GT_DEF(x, "relaxedOneHotCategoricalLogProb", { return relaxedOneHotCategoricalLogProb(a.tensor(0), a.f64(1), a.tensor(2), a.i64(3)); });
  GT_DEF(x, "relaxedBernoulliLogProb", { return relaxedBernoulliLogProb(a.tensor(0), a.f64(1), a.tensor(2)); });
}

}  // namespace gt
