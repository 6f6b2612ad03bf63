// NRI's picture, one row per test system: the true interaction graph, the inferred one (the encoder's
// most likely edge types: green where right, red where an edge is inferred but absent, a grey dashed
// line where a true edge was missed), then the true trajectories and the decoder's rollout from the
// first frame with the inferred edges (one colour per particle, a dot at the start).
import { cat, oneHot } from '../../functional';
import { noGrad } from '../../runtime';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';
import { Canvas, type Rgb } from '../raster';
import type { TaskImage } from '../task';
import type { Nri } from './model';

const PANEL = 150;
const GAP = 6;
const PARTICLE: Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
];
const RIGHT: Rgb = [34, 150, 60];
const WRONG: Rgb = [220, 40, 40];
const MISSED: Rgb = [170, 170, 170];
const INK: Rgb = [60, 60, 60];

/** The directed pairs (i, j), i != j, row-major: the layout of the edge labels. */
function pairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) out.push([i, j]);
  return out;
}

/** Undirected adjacency from directed 0/1 labels: a pair is joined when either direction is. */
function undirected(labels: ArrayLike<number | bigint>, n: number): boolean[][] {
  const a = Array.from({ length: n }, () => Array<boolean>(n).fill(false));
  pairs(n).forEach(([i, j], e) => {
    if (Number(labels[e]) !== 0) a[i][j] = a[j][i] = true;
  });
  return a;
}

function graph(c: Canvas, ox: number, oy: number, n: number, edges: boolean[][], truth?: boolean[][]): void {
  c.frame(ox, oy, PANEL, PANEL, [200, 200, 200]);
  const at = (i: number): [number, number] => {
    const t = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [ox + PANEL / 2 + Math.cos(t) * PANEL * 0.36, oy + PANEL / 2 + Math.sin(t) * PANEL * 0.36];
  };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const [x0, y0] = at(i);
      const [x1, y1] = at(j);
      if (!truth) {
        if (edges[i][j]) c.line(x0, y0, x1, y1, INK, 3);
      } else if (edges[i][j]) c.line(x0, y0, x1, y1, truth[i][j] ? RIGHT : WRONG, 3);
      else if (truth[i][j]) c.line(x0, y0, x1, y1, MISSED, 2, 4);
    }
  for (let i = 0; i < n; i++) {
    const [x, y] = at(i);
    c.disk(x, y, 8, INK);
    c.disk(x, y, 6, PARTICLE[i % PARTICLE.length]);
  }
}

/** A view of positions: the centre and half-width of the square that holds them. */
interface View {
  cx: number;
  cy: number;
  half: number;
}

/** The square around the positions of trajectories [n, frames, dims] (positions first), with a margin. */
function viewOf(pos: Float32Array, n: number, frames: number, dims: number): View {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n * frames; i++) {
    const x = pos[i * dims];
    const y = pos[i * dims + 1];
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half: Math.max(x1 - x0, y1 - y0, 1e-3) * 0.6 };
}

/** Trajectories [n, frames, dims] (positions first) in a panel, in the truth's view (a diverged rollout is clipped at the edge). */
function trajectories(c: Canvas, ox: number, oy: number, pos: Float32Array, n: number, frames: number, dims: number, view: View): void {
  c.frame(ox, oy, PANEL, PANEL, [200, 200, 200]);
  const clip = (v: number): number => Math.max(-0.97, Math.min(0.97, v));
  const px = (v: number): number => ox + PANEL / 2 + clip((v - view.cx) / view.half) * (PANEL / 2);
  const py = (v: number): number => oy + PANEL / 2 - clip((v - view.cy) / view.half) * (PANEL / 2);
  for (let i = 0; i < n; i++) {
    const col = PARTICLE[i % PARTICLE.length];
    const p = (t: number, k: number): number => pos[(i * frames + t) * dims + k];
    for (let t = 1; t < frames; t++) c.line(px(p(t - 1, 0)), py(p(t - 1, 1)), px(p(t, 0)), py(p(t, 1)), col, 2);
    c.disk(px(p(0, 0)), py(p(0, 1)), 4, col);
  }
}

/** The picture of `systems` examples: features [B, n, frames, dims], labels [B, n (n - 1)]. */
export function nriPicture(model: Nri, features: Tensor, labels: Tensor, systems = 4): TaskImage {
  const k = Math.min(systems, features.size(0));
  const { particles: n, frames, dims } = model.shape;
  const c = new Canvas(4 * PANEL + 5 * GAP, Math.max(1, k) * (PANEL + GAP) + GAP);
  const was = model.training;
  try {
    scope(() =>
      noGrad(() => {
        model.eval();
        const x = features.narrow(0, 0, k);
        const logits = model.encoder.forward(x);
        const inferred = logits.argmax(-1);
        // The rollout follows the inferred edges, one-hot; it predicts frames 1.., frame 0 is the truth's.
        const rollout = model.decoder.forward(x, oneHot(inferred, model.shape.edgeTypes).to('float32'));
        const truthData = x.to('cpu').contiguous().data() as Float32Array;
        const rollData = cat([x.narrow(2, 0, 1), rollout], 2).to('cpu').contiguous().data() as Float32Array;
        const inf = inferred.to('cpu').data() as BigInt64Array;
        const lab = labels.narrow(0, 0, k).to('cpu').data() as BigInt64Array;
        const E = n * (n - 1);
        for (let b = 0; b < k; b++) {
          const oy = GAP + b * (PANEL + GAP);
          const truth = undirected(lab.subarray(b * E, (b + 1) * E), n);
          graph(c, GAP, oy, n, truth);
          graph(c, 2 * GAP + PANEL, oy, n, undirected(inf.subarray(b * E, (b + 1) * E), n), truth);
          const size = n * frames * dims;
          const truthPos = truthData.subarray(b * size, (b + 1) * size);
          const view = viewOf(truthPos, n, frames, dims);
          trajectories(c, 3 * GAP + 2 * PANEL, oy, truthPos, n, frames, dims, view);
          trajectories(c, 4 * GAP + 3 * PANEL, oy, rollData.subarray(b * size, (b + 1) * size), n, frames, dims, view);
        }
      }),
    );
  } finally {
    model.train(was);
  }
  return c.image('graphs.png');
}
