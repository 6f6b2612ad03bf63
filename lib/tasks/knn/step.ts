// One optimizer step of the tutorial's train(): zero the gradients, embed the candidate neighbours and
// then the queries (its order), the batch's mean dknn loss, backward, SGD step.
import type { SGD } from '../../optim/sgd';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';
import { dknnLoss, type DknnLossOptions } from './loss';
import type { KnnConvNet } from './model';

export interface KnnBatch {
  queries: Tensor;
  queryLabels: Tensor;
  neighbors: Tensor;
  neighborLabels: Tensor;
}

/** Trains on one batch; returns the mean loss (detached, 0-d). */
export function knnStep(model: KnnConvNet, optimizer: SGD, batch: KnnBatch, opts: DknnLossOptions): Tensor {
  return scope(() => {
    model.train();
    optimizer.zeroGrad();
    const neighborE = model.forward(batch.neighbors);
    const queryE = model.forward(batch.queries);
    const loss = dknnLoss(queryE, neighborE, batch.queryLabels, batch.neighborLabels, opts).mean();
    loss.backward();
    optimizer.step();
    return loss.detach();
  });
}
