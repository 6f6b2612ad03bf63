// PNG grids of 28x28 grayscale images (pngjs).
import * as fs from 'node:fs';
import { PNG } from 'pngjs';

/** Writes `count` images (row-major floats in [0, 1], side x side each) as a rows x cols grid. */
export function writeImageGrid(file: string, pixels: Float32Array, count: number, cols: number, side = 28, pad = 2, scale = 2): void {
  const rows = Math.ceil(count / cols);
  const cell = side * scale + pad;
  const png = new PNG({ width: cols * cell + pad, height: rows * cell + pad, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data.fill(0);
  const width = png.width;
  // pngjs keeps RGBA internally; fill all channels.
  const set = (x: number, y: number, v: number): void => {
    const o = (y * width + x) * 4;
    png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
    png.data[o + 3] = 255;
  };
  for (let y = 0; y < png.height; y++) for (let x = 0; x < width; x++) set(x, y, 40);
  for (let i = 0; i < count; i++) {
    const ox = pad + (i % cols) * cell;
    const oy = pad + Math.floor(i / cols) * cell;
    for (let y = 0; y < side * scale; y++)
      for (let x = 0; x < side * scale; x++) {
        const v = pixels[i * side * side + Math.floor(y / scale) * side + Math.floor(x / scale)];
        set(ox + x, oy + y, Math.max(0, Math.min(255, Math.round(v * 255))));
      }
  }
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
}
