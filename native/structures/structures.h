// Discrete structures beyond one-hot: k-subsets (Xie & Ermon 2019's relaxed top-k, Gumbel-top-k,
// Plackett-Luce) and permutations (Mena et al. 2018's Gumbel-Sinkhorn, exact matching, Kendall's tau).
// Plain functions over at::Tensor composed from ATen ops, so autograd and CUDA come through ATen; the
// assignment solver is a pure C++ routine on CPU data. Data-dependent argument errors are
// RangeArgError (a JS RangeError naming the argument).
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <tuple>
#include <vector>

namespace gt::structures {

// Relaxed k-hot along dim: k rounds of softmax((s + log max(1 - a, tiny_f32)) / tau) over s = scores +
// Gumbel noise, summed (sums to k). hard: the exact k-hot of its top k forward, its gradient backward.
at::Tensor relaxedTopK(const at::Tensor& scores, const at::Tensor& noise, int64_t k, double tau, bool hard, int64_t dim);
// Exact sampler of k items without replacement: {indices in draw order along dim, k-hot mask}.
std::tuple<at::Tensor, at::Tensor> gumbelTopK(const at::Tensor& scores, const at::Tensor& noise, int64_t k, int64_t dim);
// Plackett-Luce log-probability of the ordered draw `indices` (k along dim) from softmax(scores).
at::Tensor subsetLogProb(const at::Tensor& scores, const at::Tensor& indices, int64_t dim);

// Log-space Sinkhorn of [..., n, n]: iters rounds of row then column logsumexp normalisation, exp'd.
at::Tensor sinkhorn(const at::Tensor& logAlpha, int64_t iters);
// sinkhorn((logAlpha + Gumbel noise) / tau).
at::Tensor gumbelSinkhorn(const at::Tensor& logAlpha, const at::Tensor& noise, double tau, int64_t iters);
// Maximum-weight assignment of each [n, n] matrix: int64 [..., n], the column of each row.
at::Tensor matching(const at::Tensor& logAlpha);
// The 0/1 matrix P[..., i, indices[..., i]] = 1 of permutations given as [..., n] indices.
at::Tensor permutationMatrix(const at::Tensor& indices, at::ScalarType dtype);
// Kendall's tau-b between a and b along the last dim (scipy.stats.kendalltau per row).
at::Tensor kendallTau(const at::Tensor& a, const at::Tensor& b);

// Minimum-cost assignment of the row-major n x n cost matrix c (finite): colOfRow[i] = column of row i.
// One solver per thread; its buffers are reused from one matrix to the next.
struct AssignmentSolver {
  void solve(const double* c, int64_t n, int64_t* colOfRow);

 private:
  int64_t augment(const double* c, int64_t n, int64_t i, double& minVal);
  std::vector<double> u, v, dist;
  std::vector<int64_t> path, rowOfCol, remaining;
  std::vector<char> sr, sc;
};

}  // namespace gt::structures
