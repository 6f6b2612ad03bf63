// MNIST-layout labels (train-labels-idx1-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]) as int64 class indices,
// for tasks that need the digit (the k-NN experiment); the VAE never reads them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkInt, checkOptions, describe } from '../check';
import { fromTypedArray } from '../creation';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import { checkDevice, type Device, type Tensor } from '../tensor';
import { readIdx } from './idx';
import { defaultMnistDir, type Split } from './mnist';

export interface LoadLabelsOptions {
  dir?: string;
  device?: Device;
  /** Keep the first N labels. */
  limit?: number;
}

/** Labels of a split as an int64 tensor [N]; a file that is not 1-dimensional is an error naming it. */
export function loadLabels(split: Split, opts: LoadLabelsOptions = {}): Tensor<'int64'> {
  checkOptions(opts, 'loadLabels options', ['dir', 'device', 'limit']);
  if (split !== 'train' && split !== 't10k') throw new TypeError(`split must be 'train' or 't10k', got ${describe(split)}`);
  if (opts.limit !== undefined) checkInt(opts.limit, 'limit', 1);
  if (opts.device !== undefined) checkDevice(opts.device);
  const dir = opts.dir ?? defaultMnistDir();
  const base = path.join(dir, `${split}-labels-idx1-ubyte`);
  const file = [base, `${base}.gz`].find((f) => fs.existsSync(f));
  if (!file) throw new Error(`${dir}: no ${split}-labels-idx1-ubyte or ${split}-labels-idx1-ubyte.gz (expected an MNIST-layout folder)`);
  const { shape, data } = readIdx(file);
  if (shape.length !== 1) throw new Error(`${file}: expected 1 dimension (labels), got ${shape.length}`);
  if (shape[0] === 0) throw new Error(`${file}: holds no labels`);
  const n = Math.min(shape[0], opts.limit ?? shape[0]);
  return noGrad(() =>
    scope(() => {
      const bytes = fromTypedArray(data.subarray(0, n), [n]);
      const moved = opts.device && opts.device !== 'cpu' ? bytes.to(opts.device) : bytes;
      return moved.to('int64') as Tensor<'int64'>;
    }),
  );
}
