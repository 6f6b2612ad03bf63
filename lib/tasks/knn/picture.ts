// The k-NN picture: each row a test digit, a gap, then its k nearest training digits by embedding
// distance, nearest first, framed green where the label matches the query's and red where not.
import type { TaskImage } from '../task';

const SIDE = 28;
const SCALE = 2;
const PAD = 4;
const GAP = 12;
const BG = [40, 40, 40];
const GOOD = [40, 200, 60];
const BAD = [220, 40, 40];

/**
 * queries: [R * 784] floats in [0, 1]; neighbours: [R * k * 784]; `match[r * k + j]` whether neighbour j
 * of row r has the query's label.
 */
export function neighborGrid(name: string, queries: Float32Array, neighbors: Float32Array, match: boolean[], rows: number, k: number): TaskImage {
  const cell = SIDE * SCALE + PAD;
  const width = PAD + cell + GAP + k * cell;
  const height = PAD + rows * cell;
  const data = new Uint8Array(width * height * 3);
  const put = (x: number, y: number, rgb: readonly number[]): void => data.set(rgb, (y * width + x) * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, BG);
  const digit = (src: Float32Array, i: number, ox: number, oy: number, frame?: readonly number[]): void => {
    if (frame) for (let y = -2; y < SIDE * SCALE + 2; y++) for (let x = -2; x < SIDE * SCALE + 2; x++) put(ox + x, oy + y, frame);
    for (let y = 0; y < SIDE * SCALE; y++)
      for (let x = 0; x < SIDE * SCALE; x++) {
        const v = Math.max(0, Math.min(255, Math.round(src[i * SIDE * SIDE + Math.floor(y / SCALE) * SIDE + Math.floor(x / SCALE)] * 255)));
        put(ox + x, oy + y, [v, v, v]);
      }
  };
  for (let r = 0; r < rows; r++) {
    const oy = PAD + r * cell;
    digit(queries, r, PAD, oy);
    for (let j = 0; j < k; j++) digit(neighbors, r * k + j, PAD + cell + GAP + j * cell, oy, match[r * k + j] ? GOOD : BAD);
  }
  return { name, width, height, channels: 3, data };
}
