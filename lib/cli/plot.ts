// Loss curves as a small hand-written SVG: one chart does not justify a charting stack (vega,
// vega-lite and d3 were 18 MB of every install).
import * as fs from 'node:fs';
import { type EpochMetrics } from '../train/config';

export interface Series {
  label: string;
  /** [epoch, loss] points. */
  points: [number, number][];
}

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2'];
const W = 640;
const H = 380;
const M = { left: 64, right: 16, top: 40, bottom: 96 };

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function ticks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number): string => String(Number(v.toPrecision(6)));

/** The SVG text of a line chart of loss per epoch. */
export function lossChartSvg(title: string, series: Series[], yLabel = 'loss (nats)'): string {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!pts.length) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => M.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const v of ticks(y0, y1)) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${y}" dy="0.32em" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const v of ticks(x0, x1).filter((t) => Number.isInteger(t))) {
    const x = sx(v).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top + ph}" y2="${M.top + ph + 5}" stroke="#888"/>`, `<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<text x="${M.left + pw / 2}" y="${M.top + ph + 36}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const p = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    if (p.length > 1) out.push(`<polyline points="${p.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const q of p) {
      const [cx, cy] = q.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
    }
    const lx = M.left + (i % 2) * (pw / 2);
    const ly = M.top + ph + 56 + Math.floor(i / 2) * 16;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="12" height="12" fill="${color}"/>`, `<text x="${lx + 18}" y="${ly}" dy="0.1em">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function writeLossPlot(file: string, metrics: EpochMetrics[], reference?: { label: string; values: number[] }): void {
  const series: Series[] = [
    { label: 'train (relaxed)', points: metrics.map((m) => [m.epoch, m.relaxed]) },
    { label: 'train (unrelaxed)', points: metrics.map((m) => [m.epoch, m.unrelaxed]) },
    { label: 'test (evaluate mode)', points: metrics.map((m) => [m.epoch, m.test]) },
  ];
  if (reference) series.push({ label: reference.label, points: reference.values.map((v, i) => [i + 1, v]) });
  fs.writeFileSync(file, lossChartSvg('Categorical VAE on MNIST: loss per epoch', series));
}
