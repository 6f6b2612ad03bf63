// A small RGB canvas for the tasks' pictures (graphs, trajectories): filled rectangles, lines and
// disks on a byte buffer, which TaskImage carries to PNG files and TensorBoard. Charts and text are
// left to the plots; a picture only needs shapes.
import type { TaskImage } from './task';

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }
  /** One pixel, ignored outside the canvas; `alpha` blends it over what is there. */
  set(x: number, y: number, c: Rgb, alpha = 1): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const o = (yi * this.width + xi) * 3;
    for (let k = 0; k < 3; k++) this.data[o + k] = Math.round(this.data[o + k] * (1 - alpha) + c[k] * alpha);
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, Math.floor(y + h)); j++) for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, Math.floor(x + w)); i++) this.set(i, j, c);
  }
  /** A rectangle's outline. */
  frame(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.line(x, y, x + w - 1, y, c);
    this.line(x, y + h - 1, x + w - 1, y + h - 1, c);
    this.line(x, y, x, y + h - 1, c);
    this.line(x + w - 1, y, x + w - 1, y + h - 1, c);
  }
  /** A line `width` pixels wide (sampled every half pixel along it); `dash` pixels on and off when given. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1, dash = 0): void {
    const len = Math.hypot(x1 - x0, y1 - y0);
    const n = Math.max(1, Math.ceil(len * 2));
    const r = (width - 1) / 2;
    for (let s = 0; s <= n; s++) {
      if (dash > 0 && Math.floor((s / 2) / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * s) / n;
      const y = y0 + ((y1 - y0) * s) / n;
      if (r <= 0) this.set(x, y, c);
      else this.disk(x, y, r, c);
    }
  }
  disk(cx: number, cy: number, r: number, c: Rgb): void {
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r + 0.25) this.set(x, y, c);
  }
  image(name: string): TaskImage {
    return { name, width: this.width, height: this.height, channels: 3, data: this.data };
  }
}
