// One k-NN training run as the task runner drives it (lib/tasks/task.ts): the tutorial's train()
// one step at a time, its exact k-NN test, the neighbours picture and the checkpoint state.
import { randperm } from '../../creation';
import { cat } from '../../functional';
import type { StateDict } from '../../nn/module';
import { SGD, type SGDStateDict } from '../../optim/sgd';
import { noGrad } from '../../runtime';
import { keep, scope } from '../../scope';
import type { Loaded, Saveable } from '../../serialize';
import { Tensor, type Device } from '../../tensor';
import type { TaskImage, TaskMetrics, TaskSession } from '../task';
import { disposeKnnData, type KnnData, type KnnSplit } from './data';
import { KnnConvNet } from './model';
import { neighborGrid } from './picture';
import { knnPredict, nearestNeighbors } from './predict';
import { knnStep } from './step';

export interface KnnSettings {
  /** Queries per step (the runner's batch size). */
  queries: number;
  neighbors: number;
  k: number;
  tau: number;
  hard: boolean;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Exact k-NN accuracy on the 5,000 held-out images after every epoch (the tutorial does not). */
  valid: boolean;
  device: Device;
}

/** Rows embedded at once in evaluation. */
const EMBED_CHUNK = 1000;
/** Test digits in the picture. */
const PICTURE_ROWS = 8;

export class KnnSession implements TaskSession {
  readonly model: KnnConvNet;
  readonly optimizer: SGD;
  readonly data: KnnData;
  readonly settings: KnnSettings;
  readonly stepsPerEpoch: number;
  #queryOrder: Tensor | null = null;
  #neighborOrder: Tensor | null = null;
  /** Optimizer steps taken (the cached training embeddings belong to one count). */
  #steps = 0;
  #embedded: { steps: number; embeddings: Tensor } | null = null;

  constructor(data: KnnData, settings: KnnSettings) {
    this.data = data;
    this.settings = settings;
    const n = data.train.images.shape[0];
    // Two loaders over the same images, zipped: the shorter one ends the epoch (the tutorial's
    // sizes divide 55,000; any remainder is dropped, as its fixed reshape of a batch requires).
    this.stepsPerEpoch = Math.min(Math.floor(n / settings.queries), Math.floor(n / settings.neighbors));
    this.model = new KnnConvNet();
    if (settings.device !== 'cpu') this.model.to(settings.device);
    this.optimizer = new SGD(this.model.parameters(), { lr: settings.lr, momentum: settings.momentum, weightDecay: settings.weightDecay });
  }

  beginEpoch(_epoch?: number): void {
    this.#queryOrder?.dispose();
    this.#neighborOrder?.dispose();
    const n = this.data.train.images.shape[0];
    // The query loader's shuffle, then the neighbour loader's (zip starts them in that order).
    this.#queryOrder = keep(scope(() => randperm(n).to(this.settings.device)));
    this.#neighborOrder = keep(scope(() => randperm(n).to(this.settings.device)));
  }

  trainStep(_epoch: number, step: number): { loss: Tensor; correctness: Tensor } {
    if (!this.#queryOrder || !this.#neighborOrder) throw new Error('KnnSession.trainStep: beginEpoch() first');
    if (!Number.isInteger(step) || step < 0 || step >= this.stepsPerEpoch) throw new RangeError(`step must be in [0, ${this.stepsPerEpoch - 1}], got ${step}`);
    const { queries, neighbors } = this.settings;
    const loss = this.step(this.#queryOrder.narrow(0, step * queries, queries), this.#neighborOrder.narrow(0, step * neighbors, neighbors));
    // The tutorial's "correctness of top k": the relaxed count of same-label picks over k.
    return { loss, correctness: loss.neg().div(this.settings.k) };
  }

  /** One optimizer step on the given training rows; the batch's mean loss (detached). */
  step(queryIdx: Tensor, neighborIdx: Tensor, noise?: Tensor): Tensor {
    const { images, labels } = this.data.train;
    const { k, tau, hard } = this.settings;
    const batch = { queries: images.indexSelect(0, queryIdx), queryLabels: labels.indexSelect(0, queryIdx), neighbors: images.indexSelect(0, neighborIdx), neighborLabels: labels.indexSelect(0, neighborIdx) };
    const loss = knnStep(this.model, this.optimizer, batch, { k, tau, hard, noise });
    this.#steps++;
    return loss;
  }

  /** Embeddings [N, 500] of images in evaluation mode, without gradients. */
  embed(images: Tensor): Tensor {
    return noGrad(() => {
      const was = this.model.training;
      this.model.eval();
      try {
        return scope(() => {
          const parts: Tensor[] = [];
          for (let s = 0; s < images.shape[0]; s += EMBED_CHUNK) parts.push(this.model.forward(images.narrow(0, s, Math.min(EMBED_CHUNK, images.shape[0] - s))));
          return parts.length === 1 ? parts[0] : cat(parts, 0);
        });
      } finally {
        this.model.train(was);
      }
    });
  }

  /** Embeddings of every training image for the model as it is now (kept until the next step). */
  trainEmbeddings(): Tensor {
    if (this.#embedded?.steps !== this.#steps) {
      this.#embedded?.embeddings.dispose();
      this.#embedded = { steps: this.#steps, embeddings: keep(this.embed(this.data.train.images)) };
    }
    return this.#embedded.embeddings;
  }

  /** Exact k-NN accuracy of a split's images against all training embeddings, majority of k. */
  accuracy(split: KnnSplit): number {
    const neighbors = this.trainEmbeddings();
    return scope(() => {
      const pred = knnPredict(this.embed(split.images), neighbors, this.data.train.labels, { k: this.settings.k });
      return pred.eq(split.labels).to('float64').mean().item() as number;
    });
  }

  evaluate(_epoch?: number): TaskMetrics {
    return this.settings.valid ? { 'valid.accuracy': this.accuracy(this.data.valid) } : {};
  }

  finalTest(): TaskMetrics {
    return { 'test.accuracy': this.accuracy(this.data.test) };
  }

  picture(): TaskImage[] {
    const k = this.settings.k;
    const rows = Math.min(PICTURE_ROWS, this.data.test.images.shape[0]);
    const neighbors = this.trainEmbeddings();
    return [
      scope(() => {
        const q = this.data.test.images.narrow(0, 0, rows);
        const idx = nearestNeighbors(this.embed(q), neighbors, k).reshape([-1]);
        const nImages = this.data.train.images.indexSelect(0, idx).to('cpu');
        const nLabels = this.data.train.labels.indexSelect(0, idx).to('cpu').data() as BigInt64Array;
        const qLabels = this.data.test.labels.narrow(0, 0, rows).to('cpu').data() as BigInt64Array;
        const match = Array.from(nLabels, (l, i) => l === qLabels[Math.floor(i / k)]);
        return neighborGrid('neighbors.png', q.to('cpu').contiguous().data() as Float32Array, nImages.contiguous().data() as Float32Array, match, rows, k);
      }),
    ];
  }

  stateDict(): Record<string, Saveable> {
    return {
      model: this.model.stateDict(),
      optimizer: this.optimizer.stateDict() as unknown as Saveable,
      split: this.data.permutation.clone(),
      queryOrder: this.#cpuCopy(this.#queryOrder),
      neighborOrder: this.#cpuCopy(this.#neighborOrder),
    };
  }

  #cpuCopy(t: Tensor | null): Tensor | null {
    return t ? scope(() => t.to('cpu').clone()) : null;
  }

  loadStateDict(state: Record<string, Loaded>): void {
    for (const key of ['model', 'optimizer', 'split', 'queryOrder', 'neighborOrder']) if (!(key in state)) throw new Error(`k-NN checkpoint: '${key}' is missing`);
    const split = state.split;
    if (!(split instanceof Tensor) || split.dtype !== 'int64' || split.ndim !== 1 || split.shape[0] !== this.data.permutation.shape[0] || scope(() => split.ne(this.data.permutation).sum().item() !== 0)) throw new Error('k-NN checkpoint: its 55,000 / 5,000 split differs from this run\'s (another --seed or data)');
    const orders = [state.queryOrder, state.neighborOrder].map((o, i) => {
      if (o === null) return null;
      const n = this.data.train.images.shape[0];
      if (!(o instanceof Tensor) || o.dtype !== 'int64' || o.ndim !== 1 || o.shape[0] !== n) throw new Error(`k-NN checkpoint: ${i ? 'neighborOrder' : 'queryOrder'} must be an int64 tensor of ${n} indices`);
      return o;
    });
    this.model.loadStateDict(state.model as unknown as StateDict);
    this.optimizer.loadStateDict(state.optimizer as unknown as SGDStateDict);
    // The current settings win (a resume may change --lr).
    this.optimizer.paramGroups[0].lr = this.settings.lr;
    this.#queryOrder?.dispose();
    this.#neighborOrder?.dispose();
    [this.#queryOrder, this.#neighborOrder] = orders.map((o) => (o ? keep(scope(() => o.to(this.settings.device).clone())) : null));
    this.#steps++;
  }

  dispose(): void {
    this.#queryOrder?.dispose();
    this.#neighborOrder?.dispose();
    this.#embedded?.embeddings.dispose();
    this.#embedded = null;
    this.optimizer.dispose();
    this.model.dispose();
    disposeKnnData(this.data);
  }
}
