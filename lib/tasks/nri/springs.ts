// The springs system of Neural Relational Inference (Kipf et al. 2018), as the original generator defines it
// (ethanfetaya/NRI, data/synthetic_sim.py, SpringSim): particles in a box, each undirected pair joined by a
// spring with probability edgeProb, leapfrog integration with clamped forces and elastic walls, every
// sampleFreq-th state kept. Here the simulations of a batch run side by side as tensors (float64, as numpy).
import { checkInt, checkNumber, checkOptions } from '../../check';
import { eye, rand, randn, tensor, zeros } from '../../creation';
import { where } from '../../functional';
import { scope } from '../../scope';
import type { Tensor } from '../../tensor';

/** The generator's constants (SpringSim's defaults and generate_dataset.py's springs settings). */
export interface SpringsSettings {
  /** n_balls */
  particles: number;
  /** Walls at +-boxSize. */
  boxSize: number;
  /** Initial positions ~ N(0, locStd^2). */
  locStd: number;
  /** Initial speed of every particle. */
  velNorm: number;
  /** Spring constant. */
  interactionStrength: number;
  /** Probability that a pair is joined (spring_prob [1 - p, 0, p] over types [0, 0.5, 1]). */
  edgeProb: number;
  /** Integration step (_delta_T). */
  dt: number;
  /** Integration steps per simulation (T). */
  length: number;
  /** Every sampleFreq-th step is kept: length / sampleFreq - 1 frames. */
  sampleFreq: number;
}

export const SPRINGS_DEFAULTS: Readonly<SpringsSettings> = Object.freeze({
  particles: 5,
  boxSize: 5,
  locStd: 0.5,
  velNorm: 0.5,
  interactionStrength: 0.1,
  edgeProb: 0.5,
  dt: 0.001,
  length: 5000,
  sampleFreq: 100,
});

const SETTING_KEYS = Object.keys(SPRINGS_DEFAULTS) as (keyof SpringsSettings)[];

/** Settings with defaults filled in and every value checked. */
export function springsSettings(s: Partial<SpringsSettings> = {}): SpringsSettings {
  const o = { ...SPRINGS_DEFAULTS, ...checkOptions(s, 'springs settings', SETTING_KEYS) };
  checkInt(o.particles, 'particles', 2, 1000);
  for (const k of ['boxSize', 'locStd', 'velNorm', 'dt'] as const) checkNumber(o[k], k, { finite: true, positive: true });
  checkNumber(o.interactionStrength, 'interactionStrength', { finite: true });
  checkNumber(o.edgeProb, 'edgeProb', { finite: true });
  if (o.edgeProb < 0 || o.edgeProb > 1) throw new RangeError(`edgeProb must be in [0, 1], got ${o.edgeProb}`);
  checkInt(o.sampleFreq, 'sampleFreq', 1);
  checkInt(o.length, 'length', 2 * o.sampleFreq);
  if (o.length % o.sampleFreq !== 0) throw new RangeError(`length (${o.length}) must be a multiple of sampleFreq (${o.sampleFreq})`);
  return o;
}

/** Frames kept per simulation: T / sample_freq - 1, as the original (49 for the defaults). */
export const framesOf = (s: SpringsSettings): number => s.length / s.sampleFreq - 1;

/** The random part of a batch of systems: the graph and the initial state. */
export interface SpringSystems {
  /** [B, n, n] float64, symmetric 0/1, zero diagonal. */
  edges: Tensor<'float64'>;
  /** [B, 2, n] float64 initial positions (x row, y row), as the original's loc_next. */
  loc: Tensor<'float64'>;
  /** [B, 2, n] float64 initial velocities, each particle's of norm velNorm. */
  vel: Tensor<'float64'>;
}

/** Draws `count` systems from torch's CPU generator (seed it first): edges, then positions, then velocities. */
export function drawSpringSystems(count: number, settings: SpringsSettings): SpringSystems {
  checkInt(count, 'count', 0);
  const n = settings.particles;
  return scope(() => {
    const joined = rand([count, n, n], { dtype: 'float64' }).lt(settings.edgeProb).double();
    // The lower triangle decides each pair, mirrored: edges = tril(e, -1) + tril(e, -1)^T.
    const strictlyLower = tensor(
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j < i ? 1 : 0))),
      { dtype: 'float64' },
    );
    const lower = joined.mul(strictlyLower);
    const edges = lower.add(lower.transpose(1, 2));
    const loc = randn([count, 2, n], { dtype: 'float64' }).mul(settings.locStd);
    const v = randn([count, 2, n], { dtype: 'float64' });
    const vel = v.mul(settings.velNorm).div(v.pow(2).sum(1, true).sqrt());
    return { edges, loc, vel };
  });
}

/** Trajectories of a batch: frames [B, frames, 2, n] (float32 unless asked otherwise). */
export interface SpringTrajectories<D extends 'float32' | 'float64' = 'float32' | 'float64'> {
  loc: Tensor<D>;
  vel: Tensor<D>;
}

export interface IntegrateOptions {
  /** Simulations integrated together (cache-sized batches are fastest on CPU). Default 10,000. */
  chunk?: number;
  /** Output dtype; the integration itself is always float64. Default float32. */
  dtype?: 'float32' | 'float64';
  /** Called after each chunk with the simulations done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Integrates systems as SpringSim.sample_trajectory does: F from the positions (clamped to +-0.1/dt),
 * v += dt F; then for i in 1..T-1: x += dt v, reflect at the walls, keep the state when i % sampleFreq == 0,
 * v += dt F. The initial state is not kept (the original overwrites its frame 0 at i = sampleFreq).
 */
export function integrateSprings(systems: SpringSystems, settings: SpringsSettings, opts?: IntegrateOptions): SpringTrajectories {
  const o = checkOptions(opts, 'integrateSprings options', ['chunk', 'dtype', 'onProgress']);
  const chunk = checkInt(o.chunk ?? 10000, 'chunk', 1);
  const dtype = o.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  const count = systems.edges.size(0);
  const n = settings.particles;
  const frames = framesOf(settings);
  const loc = zeros([count, frames, 2, n], { dtype });
  const vel = zeros([count, frames, 2, n], { dtype });
  try {
    for (let start = 0; start < count; start += chunk) {
      const len = Math.min(chunk, count - start);
      scope(() => {
        const part = (t: Tensor): Tensor<'float64'> => t.narrow(0, start, len) as Tensor<'float64'>;
        integrateChunk(part(systems.edges), part(systems.loc), part(systems.vel), settings, part(loc), part(vel));
      });
      o.onProgress?.(start + len, count);
    }
  } catch (e) {
    loc.dispose();
    vel.dispose();
    throw e;
  }
  return { loc, vel };
}

/** One batch: writes the kept frames into outLoc/outVel ([B, frames, 2, n] views). */
function integrateChunk(edges: Tensor<'float64'>, loc0: Tensor<'float64'>, vel0: Tensor<'float64'>, s: SpringsSettings, outLoc: Tensor, outVel: Tensor): void {
  const box = s.boxSize;
  const maxF = 0.1 / s.dt;
  // F_i = -k sum_j e_ij (x_i - x_j) = x @ (k (E - diag(deg)))  (E symmetric), per coordinate row of x.
  const degree = eye(s.particles, { dtype: 'float64' }).mul(edges.sum(2).unsqueeze(2));
  const forceMatrix = edges.sub(degree).mul(s.interactionStrength);
  const loc = loc0.clone();
  const vel = vel0.clone();
  const reflect = (): void =>
    scope(() => {
      const over = loc.gt(box);
      const under = loc.lt(-box);
      loc.copy_(where(under, loc.neg().sub(2 * box), where(over, loc.neg().add(2 * box), loc)));
      const speed = vel.abs();
      vel.copy_(where(under, speed, where(over, speed.neg(), vel)));
    });
  const accelerate = (): void =>
    scope(() => {
      vel.add_(loc.matmul(forceMatrix).clamp(-maxF, maxF), s.dt);
    });
  reflect();
  accelerate();
  let frame = 0;
  for (let i = 1; i < s.length; i++) {
    loc.add_(vel, s.dt);
    reflect();
    if (i % s.sampleFreq === 0) {
      scope(() => {
        outLoc.select(1, frame).copy_(loc);
        outVel.select(1, frame).copy_(vel);
      });
      frame++;
    }
    accelerate();
  }
}

/** Kinetic plus spring energy per kept frame, as SpringSim._energy: [B, frames] float64. */
export function springsEnergy(loc: Tensor, vel: Tensor, edges: Tensor, settings: SpringsSettings): Tensor<'float64'> {
  return scope(() => {
    const x = loc.double();
    const kinetic = vel.double().pow(2).sum([2, 3]).mul(0.5);
    // r_ij = x_i - x_j over [B, frames, 2, n, n]; U = sum_{i != j} k e_ij |r_ij|^2 / 4.
    const r = x.unsqueeze(4).sub(x.unsqueeze(3));
    const potential = r.pow(2).sum(2).mul(edges.double().unsqueeze(1)).sum([2, 3]).mul(settings.interactionStrength / 4);
    return kinetic.add(potential) as Tensor<'float64'>;
  });
}
