// The jigsaw's picture: rows of digits drawn from pieces (scrambled, as the model puts them back, true),
// 8-bit grey, each digit scaled 2x with a gap between pieces so the cuts show.
import { noGrad } from '../../runtime';
import type { Tensor } from '../../tensor';
import type { TaskImage } from '../task';
import { MNIST_MEAN, MNIST_STD } from './data';

const SCALE = 2;
const GAP = 1;
const PAD = 4;

/**
 * A TaskImage of `rows` (each normalised pieces [count, n, 1, s, s], the same count): one image row per
 * entry, one digit per column, the pieces laid out in their grid.
 */
export function jigsawPicture(rows: Tensor[], perSide: number, name = 'jigsaw.png'): TaskImage {
  const count = rows[0].size(0);
  const s = rows[0].size(-1);
  const n = perSide * perSide;
  const digit = perSide * (s * SCALE) + (perSide - 1) * GAP;
  const width = count * (digit + PAD) + PAD;
  const height = rows.length * (digit + PAD) + PAD;
  const data = new Uint8Array(width * height).fill(40);
  rows.forEach((r, row) => {
    // Back to ToTensor()'s [0, 1] and to bytes.
    const px = noGrad(() => r.mul(MNIST_STD).add(MNIST_MEAN).clamp(0, 1).mul(255).round().to('uint8').contiguous().data()) as Uint8Array;
    for (let c = 0; c < count; c++)
      for (let k = 0; k < n; k++) {
        const ox = PAD + c * (digit + PAD) + (k % perSide) * (s * SCALE + GAP);
        const oy = PAD + row * (digit + PAD) + Math.floor(k / perSide) * (s * SCALE + GAP);
        const base = (c * n + k) * s * s;
        for (let y = 0; y < s * SCALE; y++)
          for (let x = 0; x < s * SCALE; x++) data[(oy + y) * width + ox + x] = px[base + Math.floor(y / SCALE) * s + Math.floor(x / SCALE)];
      }
  });
  return { name, width, height, channels: 1, data };
}
