// Exact maximum-weight matching of square matrices: the shortest-augmenting-path Hungarian algorithm
// with row and column potentials (Jonker & Volgenant; Crouse 2016's form, which SciPy's
// linear_sum_assignment uses, so ties resolve as SciPy's do), O(n^3) per matrix, on CPU data.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>
#include <ATen/Parallel.h>
#include "binding/error.h"
#include "checks.h"
#include "structures.h"

namespace gt::structures {

// One shortest augmenting path from row i to a free column, Dijkstra over reduced costs (scanned
// columns leave `remaining` by swap-remove); ties prefer a free column, which ends the path sooner.
// Returns the free column reached; minVal is the path's length.
int64_t AssignmentSolver::augment(const double* c, int64_t n, int64_t i, double& minVal) {
  const double inf = std::numeric_limits<double>::infinity();
  minVal = 0;
  int64_t numRemaining = n;
  for (int64_t it = 0; it < n; ++it) remaining[it] = n - it - 1;
  std::fill(sr.begin(), sr.end(), 0);
  std::fill(sc.begin(), sc.end(), 0);
  std::fill(dist.begin(), dist.end(), inf);
  int64_t sink = -1;
  while (sink == -1) {
    int64_t index = -1;
    double lowest = inf;
    sr[i] = 1;
    const double* row = c + i * n;
    double base = minVal - u[i];
    for (int64_t it = 0; it < numRemaining; ++it) {
      int64_t j = remaining[it];
      double r = base + row[j] - v[j];
      if (r < dist[j]) {
        path[j] = i;
        dist[j] = r;
      }
      if (dist[j] < lowest || (dist[j] == lowest && rowOfCol[j] == -1)) {
        lowest = dist[j];
        index = it;
      }
    }
    // Finite costs (checked, and scaled into range by matching()) always reach a column.
    if (index < 0) throw std::runtime_error("matching: no augmenting path (non-finite reduced costs)");
    minVal = lowest;
    int64_t j = remaining[index];
    if (rowOfCol[j] == -1) sink = j;
    else i = rowOfCol[j];
    sc[j] = 1;
    remaining[index] = remaining[--numRemaining];
  }
  return sink;
}

void AssignmentSolver::solve(const double* c, int64_t n, int64_t* colOfRow) {
  // The shortest-augmenting-path method of Jonker & Volgenant in Crouse's form (as SciPy's
  // linear_sum_assignment): n augmentations, each O(n^2), with dual potentials u (rows), v (columns).
  u.assign(n, 0);
  v.assign(n, 0);
  dist.resize(n);
  path.assign(n, -1);
  rowOfCol.assign(n, -1);
  remaining.resize(n);
  sr.resize(n);
  sc.resize(n);
  std::fill(colOfRow, colOfRow + n, -1);
  for (int64_t cur = 0; cur < n; ++cur) {
    double minVal = 0;
    int64_t sink = augment(c, n, cur, minVal);
    u[cur] += minVal;
    for (int64_t i = 0; i < n; ++i)
      if (sr[i] && i != cur) u[i] += minVal - dist[colOfRow[i]];
    for (int64_t j = 0; j < n; ++j)
      if (sc[j]) v[j] -= minVal - dist[j];
    // Flip the path: each row on it takes the column after it.
    for (int64_t j = sink;;) {
      int64_t i = path[j];
      rowOfCol[j] = i;
      std::swap(colOfRow[i], j);
      if (i == cur) break;
    }
  }
}

at::Tensor matching(const at::Tensor& logAlpha) {
  if (logAlpha.scalar_type() == at::kBool || logAlpha.is_complex()) throw ArgError("logAlpha must be a real-valued tensor");
  checkSquare(logAlpha, "logAlpha");
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
