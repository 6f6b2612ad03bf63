// The tutorial's data: MNIST's 60,000 training images split at random into 55,000 for training (the
// queries and the candidate neighbours both come from them) and 5,000 held out, as
// random_split(dataset, [55000, 5000]) does (one randperm, first part train); the 10,000 test images
// for the final exact k-NN test. Pixels in [0, 1] (ToTensor), no normalisation, as the tutorial.
import { checkInt } from '../../check';
import { randperm } from '../../creation';
import { loadLabels } from '../../data/labels';
import { loadImages } from '../../data/mnist';
import { noGrad } from '../../runtime';
import { scope } from '../../scope';
import type { Device, Tensor } from '../../tensor';

export const KNN_TRAIN_SIZE = 55000;
export const KNN_VALID_SIZE = 5000;

export interface KnnSplit {
  images: Tensor;
  labels: Tensor<'int64'>;
}

export interface KnnData {
  train: KnnSplit;
  valid: KnnSplit;
  test: KnnSplit;
  /** The random split: indices into MNIST's training file, the first 55,000 train (int64, CPU). */
  permutation: Tensor<'int64'>;
}

export interface KnnDataOptions {
  dir?: string;
  device?: Device;
  /** Use only the first N of the 55,000 training images (the flag's name in errors: limitName). */
  limit?: number;
  limitName?: string;
  /** Use only the first N of the 10,000 test images. */
  testLimit?: number;
  /** A saved split to use instead of drawing one (a resumed run). */
  permutation?: Tensor;
}

function pick(images: Tensor, labels: Tensor, idx: Tensor, device: Device | undefined): KnnSplit {
  const on = (t: Tensor): Tensor => (device && device !== 'cpu' ? t.to(device) : t);
  return { images: on(images.indexSelect(0, idx)), labels: on(labels.indexSelect(0, idx)) as Tensor<'int64'> };
}

/** Loads MNIST and splits it (the split is drawn from torch's generator unless given). */
export function loadKnnData(opts: KnnDataOptions = {}): KnnData {
  const limit = opts.limit === undefined ? KNN_TRAIN_SIZE : checkInt(opts.limit, opts.limitName ?? 'limit', 1);
  if (limit > KNN_TRAIN_SIZE) throw new RangeError(`${opts.limitName ?? 'limit'} must be at most ${KNN_TRAIN_SIZE} (the training split of MNIST's 60,000 images; 5,000 are held out), got ${limit}`);
  return noGrad(() =>
    scope(() => {
      const images = loadImages('train', { dir: opts.dir });
      const labels = loadLabels('train', { dir: opts.dir });
      if (images.shape[0] !== labels.shape[0]) throw new Error(`MNIST training files disagree: ${images.shape[0]} images, ${labels.shape[0]} labels`);
      if (images.shape[0] < KNN_TRAIN_SIZE + KNN_VALID_SIZE) throw new Error(`the k-NN task needs ${KNN_TRAIN_SIZE + KNN_VALID_SIZE} training images (55,000 / 5,000), the data has ${images.shape[0]}`);
      const n = KNN_TRAIN_SIZE + KNN_VALID_SIZE;
      let perm: Tensor;
      if (opts.permutation) {
        const p = opts.permutation;
        if (p.dtype !== 'int64' || p.ndim !== 1 || p.shape[0] !== n) throw new Error(`the saved k-NN split must be an int64 tensor of ${n} indices, got ${p.dtype} [${p.shape}]`);
        perm = p.to('cpu').clone();
      } else perm = randperm(n);
      const train = pick(images, labels, perm.narrow(0, 0, limit), opts.device);
      const valid = pick(images, labels, perm.narrow(0, KNN_TRAIN_SIZE, KNN_VALID_SIZE), opts.device);
      const testImages = loadImages('t10k', { dir: opts.dir, limit: opts.testLimit });
      const testLabels = loadLabels('t10k', { dir: opts.dir, limit: opts.testLimit });
      const on = (t: Tensor): Tensor => (opts.device && opts.device !== 'cpu' ? t.to(opts.device) : t);
      return { train, valid, test: { images: on(testImages), labels: on(testLabels) as Tensor<'int64'> }, permutation: perm as Tensor<'int64'> };
    }),
  );
}

/** Frees every tensor of the data. */
export function disposeKnnData(d: KnnData): void {
  for (const s of [d.train, d.valid, d.test]) {
    s.images.dispose();
    s.labels.dispose();
  }
  d.permutation.dispose();
}
