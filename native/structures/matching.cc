// Exact maximum-weight matching of square matrices: the shortest-augmenting-path Hungarian algorithm
// with row and column potentials (Jonker & Volgenant's formulation), O(n^3) per matrix, on CPU data.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>
#include <ATen/Parallel.h>
#include "../error.h"
#include "checks.h"
#include "structures.h"

namespace gt::structures {

void AssignmentSolver::solve(const double* c, int64_t n, int64_t* colOfRow) {
  const double inf = std::numeric_limits<double>::infinity();
  // 1-based: p[j] is the row matched to column j (0: none), u/v the dual potentials; column 0 is the
  // virtual start of each augmenting path. The buffers are reused across the matrices of a batch.
  u.assign(n + 1, 0);
  v.assign(n + 1, 0);
  p.assign(n + 1, 0);
  way.assign(n + 1, 0);
  minv.resize(n + 1);
  used.resize(n + 1);
  for (int64_t i = 1; i <= n; ++i) {
    p[0] = i;
    int64_t j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      int64_t i0 = p[j0], j1 = 0;
      double delta = inf;
      const double* row = c + (i0 - 1) * n;
      for (int64_t j = 1; j <= n; ++j) {
        if (used[j]) continue;
        double cur = row[j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      // Finite costs (checked, and scaled into range by matching()) always leave a column to reach.
      if (j1 == 0) throw std::runtime_error("matching: no augmenting path (non-finite reduced costs)");
      for (int64_t j = 0; j <= n; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int64_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (int64_t j = 1; j <= n; ++j) colOfRow[p[j] - 1] = j - 1;
}

at::Tensor matching(const at::Tensor& logAlpha) {
  if (logAlpha.scalar_type() == at::kBool || logAlpha.is_complex()) throw ArgError("logAlpha must be a real-valued tensor");
  checkSquare(logAlpha, "matching", "logAlpha");
  int64_t n = logAlpha.size(-1);
  std::vector<int64_t> outShape(logAlpha.sizes().begin(), logAlpha.sizes().end() - 1);
  if (logAlpha.numel() == 0) return at::zeros(outShape, logAlpha.options().dtype(at::kLong));
  // Solved in double on the CPU; one pass over the data checks it and finds its range (no ATen
  // reductions: for small batches the fixed cost of each op is most of the time).
  auto x = logAlpha.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* d = x.data_ptr<double>();
  int64_t total = x.numel();
  double big = 0;
  for (int64_t i = 0; i < total; ++i) {
    if (!std::isfinite(d[i])) throw RangeArgError("logAlpha has NaN or infinite entries");
    big = std::max(big, std::abs(d[i]));
  }
  // Maximum weight = minimum cost of -logAlpha. Reduced costs are differences of costs: near the
  // largest doubles they are scaled by a power of two (exact) so that they cannot overflow.
  double scale = big > 1e300 ? -std::ldexp(1.0, -std::ilogb(big) - 4) : -1.0;
  int64_t batch = total / (n * n);
  auto out = at::empty({batch, n}, at::TensorOptions().dtype(at::kLong));
  int64_t* o = out.data_ptr<int64_t>();
  // Small problems in one thread; larger batches spread over ATen's pool.
  int64_t grain = std::max<int64_t>(1, 32768 / (n * n * n + 1));
  at::parallel_for(0, batch, grain, [&](int64_t begin, int64_t end) {
    std::vector<double> cost(n * n);
    AssignmentSolver solver;
    for (int64_t b = begin; b < end; ++b) {
      const double* m = d + b * n * n;
      for (int64_t i = 0; i < n * n; ++i) cost[i] = scale * m[i];
      solver.solve(cost.data(), n, o + b * n);
    }
  });
  auto result = out.reshape(outShape);
  return logAlpha.is_cpu() ? result : result.to(logAlpha.device());
}

}  // namespace gt::structures
