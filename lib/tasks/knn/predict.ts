// The tutorial's test: an exact k-NN classifier, no sampling. Every query's k nearest training
// embeddings (squared L2) vote; the most frequent label wins, ties to the smallest label (as the
// tutorial's max(set(labels), key=labels.count) resolves them for digits). Distances use the
// |q|^2 - 2 q.n + |n|^2 expansion in chunks of queries, as torch.cdist does for large inputs: the
// tutorial's [queries, 55,000, 500] difference tensor would need gigabytes.
import { cat, oneHot } from '../../functional';
import { noGrad } from '../../runtime';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';

export interface KnnPredictOptions {
  k: number;
  /** Classes of the labels (10 digits). */
  classes?: number;
  /** Queries per distance matrix (memory: chunk x neighbours floats). */
  chunk?: number;
}

/** Indices [Q, k] of each query's k nearest neighbours, nearest first. */
export function nearestNeighbors(query: Tensor, neighbors: Tensor, k: number, chunk = 500): Tensor<'int64'> {
  return noGrad(() =>
    scope(() => {
      const nn = neighbors.pow(2).sum([1]).unsqueeze(0);
      const parts: Tensor[] = [];
      for (let s = 0; s < query.shape[0]; s += chunk) {
        const q = query.narrow(0, s, Math.min(chunk, query.shape[0] - s));
        const d = q.pow(2).sum([1], true).sub(q.mm(neighbors.t()).mul(2)).add(nn);
        parts.push(d.topk(k, 1, false, true).indices);
      }
      return parts.length === 1 ? parts[0] : cat(parts, 0);
    }),
  ) as Tensor<'int64'>;
}

/** Majority-vote predictions [Q] (int64) of the k nearest neighbours. */
export function knnPredict(query: Tensor, neighbors: Tensor, neighborLabels: Tensor, opts: KnnPredictOptions): Tensor<'int64'> {
  return noGrad(() =>
    scope(() => {
      const idx = nearestNeighbors(query, neighbors, opts.k, opts.chunk);
      const labels = neighborLabels.indexSelect(0, idx.reshape([-1])).view(idx.shape);
      const votes = oneHot(labels, opts.classes ?? 10).sum([1]);
      return votes.argmax(1) as Tensor<'int64'>;
    }),
  );
}
