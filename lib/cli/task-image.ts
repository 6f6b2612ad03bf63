// A task's picture (8-bit grey or RGB rows) as a PNG file (pngjs).
import * as fs from 'node:fs';
import type * as Pngjs from 'pngjs';
import type { TaskImage } from '../tasks/task';

export function writeTaskImage(file: string, img: TaskImage): void {
  const { width, height, channels, data } = img;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1 || data.length !== width * height * channels)
    throw new RangeError(`picture ${img.name}: ${width} x ${height} x ${channels} does not match its ${data.length} bytes`);
  // On first use: the library entry points (torch.tasks.knn.train) reach this, and `import 'gumbel-torch'` must not need pngjs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PNG } = require('pngjs') as typeof Pngjs;
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const o = i * 4;
    const s = i * channels;
    png.data[o] = data[s];
    png.data[o + 1] = data[channels === 3 ? s + 1 : s];
    png.data[o + 2] = data[channels === 3 ? s + 2 : s];
    png.data[o + 3] = 255;
  }
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: channels === 3 ? 2 : 0 }));
}
