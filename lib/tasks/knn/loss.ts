// The tutorial's dknn_loss: each query scores every candidate neighbour by the negative squared L2
// distance of their embeddings, a relaxed top-k sample (Xie & Ermon 2019) picks k of them softly, and
// the loss is minus the relaxed count of picked neighbours that share the query's label. The op order
// is the tutorial's (difference, square, sum), so values round as PyTorch's do.
import { relaxedTopK } from '../../structures/subsets';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';

export interface DknnLossOptions {
  k: number;
  tau: number;
  /** Straight-through: exactly k-hot forward, relaxed gradient backward (the tutorial trains soft). */
  hard?: boolean;
  /** Gumbel noise [queries, neighbours] to use instead of drawing it (parity with PyTorch). */
  noise?: Tensor;
}

/** Negative squared distances [Q, N] between query [Q, p] and neighbour [N, p] embeddings. */
export function knnScores(query: Tensor, neighbors: Tensor): Tensor {
  return scope(() => query.unsqueeze(1).sub(neighbors.unsqueeze(0)).pow(2).sum([2]).neg());
}

/** Per-query losses [Q]: minus the relaxed number of same-label neighbours among the k picked. */
export function dknnLoss(query: Tensor, neighbors: Tensor, queryLabels: Tensor, neighborLabels: Tensor, opts: DknnLossOptions): Tensor {
  return scope(() => {
    const topK = relaxedTopK(knnScores(query, neighbors), { k: opts.k, tau: opts.tau, hard: opts.hard ?? false, dim: 1, noise: opts.noise });
    // The tutorial's one-hot product summed over classes is 1 exactly where the labels agree.
    const correct = queryLabels.unsqueeze(1).eq(neighborLabels.unsqueeze(0)).to(topK.dtype);
    return correct.mul(topK).sum([1]).neg();
  });
}
