// gumbel-torch analyze: how far each estimator's gradient is from the exact one, on a small latent
// space where the exact gradient can be enumerated (as the ReinMax paper does for 4 latents x 8).
// For a model (fresh and seeded, or from a checkpoint) and a batch of test images, the gradient of
// E_z[reconstruction loss] w.r.t. the encoder's logits is drawn `draws` times per estimator, and
// compared with the exact gradient: relative bias |mean - exact| / |exact|, relative standard
// deviation sqrt(E|g - mean|^2) / |exact|, cosine(mean, exact) and the mean per-draw cosine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countConfigurations, ESTIMATORS, EstimatorName, exact, expectation } from '../estimators';
import { loadImages } from '../data/mnist';
import { CategoricalVAE } from '../models/categorical-vae';
import { manualSeed } from '../runtime';
import { scope } from '../scope';
import { checkWritableDir, load } from '../serialize';
import { Device, Tensor } from '../tensor';
import { TrainConfig } from '../train/config';
import { resolveDevice } from '../train/trainer';
import { writeBarPlot } from './bar-plot';

export interface AnalyzeOptions {
  checkpoint?: string;
  latents: number;
  categories: number;
  batch: number;
  draws: number;
  temp: number;
  samples?: number;
  estimators: EstimatorName[];
  seed: number;
  data?: string;
  out: string;
  device: Device | 'auto';
}

export interface EstimatorStats {
  estimator: EstimatorName;
  relBias: number;
  relStd: number;
  /** |bias| that MC noise alone would give: relStd / sqrt(draws). */
  biasNoiseFloor: number;
  cosineOfMean: number;
  meanCosine: number;
  msPerDraw: number;
}

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: Float64Array): number => Math.sqrt(dot(a, a));

function modelFor(o: AnalyzeOptions, device: Device): CategoricalVAE {
  if (!o.checkpoint) {
    manualSeed(o.seed);
    return new CategoricalVAE({ latents: o.latents, categories: o.categories }).to(device) as CategoricalVAE;
  }
  const ck = load(o.checkpoint) as Record<string, unknown>;
  if (!ck || typeof ck !== 'object' || !ck.model) throw new Error(`${o.checkpoint}: not a gumbel-torch checkpoint (no 'model' entry)`);
  const cfg = JSON.parse((ck.config as string) ?? '{}') as Partial<TrainConfig>;
  const m = new CategoricalVAE({ latents: cfg.latents ?? 30, categories: cfg.categories ?? 10, reluLogits: cfg.reluLogits ?? true });
  countConfigurations(m.latents, m.categories); // the exact gradient must be enumerable
  m.loadStateDict(ck.model as Record<string, Tensor>);
  return m.to(device) as CategoricalVAE;
}

/** One gradient draw w.r.t. the logits, as float64 values. */
function gradOnce(logits: Tensor, f: (z: Tensor) => Tensor, estimate: (l: Tensor, fn: (z: Tensor) => Tensor) => Tensor): Float64Array {
  return scope(() => {
    const l = logits.detach().requiresGrad_();
    estimate(l, f).mean().backward();
    return Float64Array.from(l.grad!.to('float64').cpu().data() as Float64Array);
  });
}

export function analyzeEstimators(o: AnalyzeOptions, log: (s: string) => void = () => {}): { exactNorm: number; stats: EstimatorStats[] } {
  const device = resolveDevice(o.device);
  countConfigurations(o.latents, o.categories);
  const model = modelFor(o, device);
  try {
    model.eval();
    const x = loadImages('t10k', { dir: o.data, device, limit: o.batch });
    const logits = scope(() => {
      const q = model.encode(x.view(-1, 784));
      return q.view(q.shape[0], model.latents, model.categories).detach();
    });
    const f = (z: Tensor): Tensor => model.reconstructionLosses(z, x);
    const g = gradOnce(logits, f, (l, fn) => exact(l, fn));
    const gNorm = norm(g);
    const stats: EstimatorStats[] = [];
    for (const name of o.estimators.filter((e) => e !== 'exact')) {
      manualSeed(o.seed + 1);
      const samples = name === 'gumbel-rao' || name === 'rloo' ? o.samples : undefined;
      const spec = { name, tau: o.temp, ...(samples === undefined ? {} : { samples }) };
      const t0 = process.hrtime.bigint();
      const draws: Float64Array[] = [];
      for (let r = 0; r < o.draws; r++) draws.push(gradOnce(logits, f, (l, fn) => expectation(l, fn, spec)));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6 / o.draws;
      const mean = new Float64Array(g.length);
      for (const d of draws) d.forEach((v, i) => (mean[i] += v / o.draws));
      const diff = mean.map((v, i) => v - g[i]);
      const spread = Math.sqrt(draws.reduce((s, d) => s + d.reduce((t, v, i) => t + (v - mean[i]) ** 2, 0), 0) / o.draws);
      const st: EstimatorStats = {
        estimator: name,
        relBias: norm(diff) / gNorm,
        relStd: spread / gNorm,
        biasNoiseFloor: spread / gNorm / Math.sqrt(o.draws),
        cosineOfMean: dot(mean, g) / (norm(mean) * gNorm),
        meanCosine: draws.reduce((s, d) => s + dot(d, g) / (norm(d) * gNorm || 1), 0) / o.draws,
        msPerDraw: ms,
      };
      stats.push(st);
      log(`  ${name}: done (${o.draws} draws, ${ms.toFixed(1)} ms each)`);
    }
    x.dispose();
    logits.dispose();
    return { exactNorm: gNorm, stats };
  } finally {
    model.dispose();
  }
}

export function statsTable(stats: EstimatorStats[]): string {
  const head = '| estimator | relative bias | (MC floor) | relative std | cos(mean, exact) | mean cos(draw, exact) | ms/draw |';
  const rows = stats.map((s) =>
    `| ${s.estimator} | ${s.relBias.toFixed(4)} | ${s.biasNoiseFloor.toFixed(4)} | ${s.relStd.toFixed(4)} | ${s.cosineOfMean.toFixed(4)} | ${s.meanCosine.toFixed(4)} | ${s.msPerDraw.toFixed(1)} |`,
  );
  return [head, '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

export async function analyze(o: AnalyzeOptions): Promise<number> {
  const log = (s: string): void => void process.stdout.write(s + '\n');
  const unknown = o.estimators.filter((e) => !ESTIMATORS.includes(e));
  if (unknown.length) throw new TypeError(`unknown estimator(s) ${unknown.join(', ')}; known: ${ESTIMATORS.join(', ')}`);
  log(`gumbel-torch analyze: ${o.checkpoint ?? `fresh model (seed ${o.seed})`}, ${o.latents} latents x ${o.categories} categories, batch ${o.batch}, ${o.draws} draws, tau ${o.temp}`);
  const { exactNorm, stats } = analyzeEstimators(o, log);
  checkWritableDir(o.out, 'analyze (--out)'); // makes it one level at a time: a recursive mkdir loops on /proc
  const table = statsTable(stats);
  log(`|exact gradient| = ${exactNorm.toPrecision(4)}\n${table}`);
  fs.writeFileSync(path.join(o.out, 'analysis.json'), JSON.stringify({ options: o, exactNorm, stats }, null, 1) + '\n');
  fs.writeFileSync(path.join(o.out, 'analysis.md'), table + '\n');
  const order = stats.map((s) => s.estimator);
  await writeBarPlot(
    path.join(o.out, 'analysis.svg'),
    `Gradient vs exact, ${o.latents}x${o.categories}, ${o.draws} draws`,
    stats.flatMap((s) => [
      { x: s.estimator, facet: 'relative bias', value: s.relBias, err: s.biasNoiseFloor },
      { x: s.estimator, facet: 'relative std', value: s.relStd },
      { x: s.estimator, facet: 'cos(mean, exact)', value: s.cosineOfMean },
    ]),
    { order },
  );
  log(`wrote ${path.join(o.out, 'analysis.json')}, analysis.md, analysis.svg`);
  return 0;
}
