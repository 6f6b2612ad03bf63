// JS entry points of the Gumbel family (one GT_DEF each, like ops/ops.cc).
#include "binding/tensor.h"
#include "estimators/estimators.h"
#include "fused_plan.h"
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

  // Gradient estimators (estimators/estimators.h): (logits, sample?, ...) with the category dim last argument.
  GT_DEF(x, "estimatorSt", { return estimators::st(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.i64(3)); });
  GT_DEF(x, "estimatorReinmax", { return estimators::reinmax(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.i64(3)); });
  GT_DEF(x, "estimatorGst", { return estimators::gst(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.f64(2), a.f64(3), a.i64(4)); });
  // gumbelRao(logits, sample?, exponentials?, K, tau, dim)
  GT_DEF(x, "estimatorGumbelRao", {
    return estimators::gumbelRao(a.tensor(0), a.optTensor(1).value_or(at::Tensor()), a.optTensor(2).value_or(at::Tensor()), a.i64(3), a.f64(4), a.i64(5));
  });
  GT_DEF(x, "conditionalGumbelLogits", { return estimators::conditionalGumbelLogits(a.tensor(0), a.tensor(1), a.tensor(2)); });
  GT_DEF(x, "estimatorRloo", { return estimators::rloo(a.tensor(0), a.tensor(1), a.tensor(2)); });
  // enumerateConfigurations(latents, categories, maxConfigurations, dtype, device)
  GT_DEF(x, "enumerateConfigurations", { return estimators::enumerateConfigurations(a.i64(0), a.i64(1), a.i64(2), a.options(3, 4)); });
  GT_DEF(x, "estimatorExact", { return estimators::exactExpectation(a.tensor(0), a.tensor(1), a.tensor(2)); });

  // Test hooks: the fused CUDA kernels' host-side decisions (fused_plan.h), checked by CPU tests.
  // _gumbelFusedPlan(logits, noise?, dim)
  GT_DEF(x, "_gumbelFusedPlan", {
    const at::Tensor logits = a.tensor(0);
    const at::Tensor noise = a.optTensor(1).value_or(at::Tensor());
    const int64_t dim = a.i64(2);
    const at::ScalarType dtype = fused::computeType(logits, noise);
    const fused::RowLayout l = fused::rowLayout(logits.sizes(), dim);
    auto index = at::empty({l.rows, l.k}, at::kLong);
    auto* p = index.data_ptr<int64_t>();
    for (int64_t r = 0; r < l.rows; ++r)
      for (int64_t j = 0; j < l.k; ++j) p[r * l.k + j] = fused::elementIndex(r, j, l.k, l.inner);
    auto o = Napi::Object::New(a.env());
    o.Set("rows", static_cast<double>(l.rows));
    o.Set("k", static_cast<double>(l.k));
    o.Set("inner", static_cast<double>(l.inner));
    o.Set("dtype", dtypeName(dtype));
    o.Set("reason", fused::notFusedReason(logits.sizes(), dim, dtype));
    o.Set("index", toJs(a.env(), index));
    return Napi::Value(o);
  });
  // _gumbelKernelNoise(seed, offset, n, doublePrecision)
  GT_DEF(x, "_gumbelKernelNoise", {
    TORCH_CHECK(a.i64(0) >= 0 && a.i64(1) >= 0, "_gumbelKernelNoise: seed and offset must be >= 0");
    return fused::kernelNoise(static_cast<uint64_t>(a.i64(0)), static_cast<uint64_t>(a.i64(1)), a.i64(2), a.flag(3));
  });
}

}  // namespace gt
