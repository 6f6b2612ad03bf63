// The springs data set of NRI, generated here (never downloaded) and cached: train / valid / test
// simulations as generate_dataset.py makes them, normalised as NRI's load_data does (positions and
// velocities each scaled to [-1, 1] by the training set's min and max), with the 0/1 label of each of
// the n (n - 1) directed edges. The cache is a safetensors file keyed by every setting; a cache file
// that does not hold exactly what the settings ask for (corrupt, partial, other settings) is rebuilt.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkInt, checkOptions } from '../../check';
import { tensor } from '../../creation';
import { cat } from '../../functional';
import { getRngState, manualSeed, setRngState } from '../../runtime';
import { scope } from '../../scope';
import { readSafetensors, saveSafetensors } from '../../serialize';
import type { Tensor } from '../../tensor';
import { drawSpringSystems, framesOf, integrateSprings, type SpringsSettings, springsSettings } from './springs';

export type SpringsSplitName = 'train' | 'valid' | 'test';
export const SPLITS: readonly SpringsSplitName[] = ['train', 'valid', 'test'];

/** One split: raw trajectories as generated, [B, frames, 2, n] float32, and the graphs [B, n, n] uint8. */
export interface RawSplit {
  loc: Tensor<'float32'>;
  vel: Tensor<'float32'>;
  edges: Tensor<'uint8'>;
}

/** One split as the model reads it. */
export interface SpringsSplit {
  /** [B, n, frames, 4]: position x, y then velocity x, y, each in [-1, 1] by the training set's range. */
  features: Tensor<'float32'>;
  /** [B, n (n - 1)] int64 0/1: edge i -> j for each ordered pair i != j, row-major. */
  edges: Tensor<'int64'>;
}

export interface SpringsDataOptions {
  /** Simulations per split; default 50,000 / 10,000 / 10,000 as generate_dataset.py. */
  train?: number;
  valid?: number;
  test?: number;
  /** Seed of the generator; default 42 as generate_dataset.py. */
  seed?: number;
  /** The simulator's constants (defaults: the original's). */
  settings?: Partial<SpringsSettings>;
  /** Where generated sets are kept; default $XDG_CACHE_HOME/gumbel-torch or ~/.cache/gumbel-torch. null: no cache. */
  cacheDir?: string | null;
  /** Progress of a generation: simulations done of the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface SpringsData {
  train: SpringsSplit;
  valid: SpringsSplit;
  test: SpringsSplit;
  settings: SpringsSettings;
  /** The cache file read or written (null without a cache). */
  cacheFile: string | null;
  /** Whether the data came from the cache. */
  cached: boolean;
  /** Why a cache file that was there could not be used, if so (it was rebuilt). */
  rebuiltBecause?: string;
}

const FORMAT = 'gumbel-torch springs v1';

export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'gumbel-torch');
}

interface Resolved {
  counts: Record<SpringsSplitName, number>;
  seed: number;
  settings: SpringsSettings;
}

/** The JSON that names a data set exactly: its key in the cache and the check of a cache file. */
function identity(r: Resolved): string {
  return JSON.stringify({ format: FORMAT, counts: r.counts, seed: r.seed, settings: r.settings });
}

/** Generates (or reads from the cache) the springs data set. Draws do not disturb torch's global generator. */
export function loadSpringsData(opts?: SpringsDataOptions): SpringsData {
  const o = checkOptions(opts, 'loadSpringsData options', ['train', 'valid', 'test', 'seed', 'settings', 'cacheDir', 'onProgress']);
  const r: Resolved = {
    counts: { train: checkInt(o.train ?? 50000, 'train', 1), valid: checkInt(o.valid ?? 10000, 'valid', 0), test: checkInt(o.test ?? 10000, 'test', 0) },
    seed: checkInt(o.seed ?? 42, 'seed', 0, Number.MAX_SAFE_INTEGER),
    settings: springsSettings(o.settings),
  };
  if (o.cacheDir !== undefined && o.cacheDir !== null && typeof o.cacheDir !== 'string') throw new TypeError('cacheDir must be a path or null');
  const id = identity(r);
  const dir = o.cacheDir === undefined ? defaultCacheDir() : o.cacheDir;
  const file = dir === null ? null : path.join(dir, `springs-${crypto.createHash('sha256').update(id).digest('hex').slice(0, 16)}.safetensors`);
  let raw: Record<SpringsSplitName, RawSplit> | undefined;
  let rebuiltBecause: string | undefined;
  if (file !== null && fs.existsSync(file)) {
    const read = readCache(file, id, r);
    if (typeof read === 'string') rebuiltBecause = read;
    else raw = read;
  }
  const cached = raw !== undefined;
  if (!raw) {
    raw = generate(r, o.onProgress);
    if (file !== null) writeCache(file, id, raw);
  }
  try {
    return { ...normalise(raw), settings: r.settings, cacheFile: file, cached, rebuiltBecause };
  } finally {
    for (const s of SPLITS) for (const t of Object.values(raw[s])) t.dispose();
  }
}

/** Simulates every split from one seeded stream (train, then valid, then test), restoring torch's generator after. */
function generate(r: Resolved, onProgress?: (done: number, total: number) => void): Record<SpringsSplitName, RawSplit> {
  const total = r.counts.train + r.counts.valid + r.counts.test;
  const saved = getRngState();
  const out: Partial<Record<SpringsSplitName, RawSplit>> = {};
  try {
    manualSeed(r.seed);
    let before = 0;
    for (const split of SPLITS) {
      out[split] = scope(() => {
        const systems = drawSpringSystems(r.counts[split], r.settings);
        const { loc, vel } = integrateSprings(systems, r.settings, { onProgress: onProgress && ((d) => onProgress(before + d, total)) });
        return { loc: loc as Tensor<'float32'>, vel: vel as Tensor<'float32'>, edges: systems.edges.to('uint8') };
      });
      before += r.counts[split];
    }
    return out as Record<SpringsSplitName, RawSplit>;
  } catch (e) {
    for (const s of Object.values(out)) for (const t of Object.values(s)) t.dispose();
    throw e;
  } finally {
    setRngState(saved);
    saved.dispose();
  }
}

function digest(tensors: Record<string, Tensor>): string {
  const h = crypto.createHash('sha256');
  for (const name of Object.keys(tensors).sort()) {
    const d = tensors[name].data() as ArrayBufferView;
    h.update(name).update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

function writeCache(file: string, id: string, raw: Record<SpringsSplitName, RawSplit>): void {
  const tensors: Record<string, Tensor> = {};
  for (const s of SPLITS) for (const [k, t] of Object.entries(raw[s])) tensors[`${s}.${k}`] = t;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  saveSafetensors(tensors, file, { metadata: { identity: id, sha256: digest(tensors) } });
}

/** The cached splits, or why the file cannot be trusted. */
function readCache(file: string, id: string, r: Resolved): Record<SpringsSplitName, RawSplit> | string {
  let f;
  try {
    f = readSafetensors(file);
  } catch (e) {
    return (e as Error).message;
  }
  const all = Object.values(f.tensors);
  const fail = (why: string): string => {
    for (const t of all) t.dispose();
    return `${file}: ${why}`;
  };
  if (f.metadata.identity !== id) return fail('made with other settings');
  const n = r.settings.particles;
  const frames = framesOf(r.settings);
  const out = {} as Record<SpringsSplitName, RawSplit>;
  for (const s of SPLITS) {
    const want: [keyof RawSplit, string, number[]][] = [
      ['loc', 'float32', [r.counts[s], frames, 2, n]],
      ['vel', 'float32', [r.counts[s], frames, 2, n]],
      ['edges', 'uint8', [r.counts[s], n, n]],
    ];
    for (const [k, dtype, shape] of want) {
      const t = f.tensors[`${s}.${k}`];
      if (!t || t.dtype !== dtype || t.shape.join() !== shape.join()) return fail(`${s}.${k} is missing or has another shape or dtype`);
    }
    out[s] = { loc: f.tensors[`${s}.loc`] as Tensor<'float32'>, vel: f.tensors[`${s}.vel`] as Tensor<'float32'>, edges: f.tensors[`${s}.edges`] as Tensor<'uint8'> };
  }
  if (all.length !== SPLITS.length * 3) return fail('holds other tensors');
  if (digest(f.tensors) !== f.metadata.sha256) return fail('its data does not match its checksum');
  return out;
}

/** NRI's load_data: [B, frames, 2, n] -> [B, n, frames, 2], scaled by the training min/max; off-diagonal edge labels. */
function normalise(raw: Record<SpringsSplitName, RawSplit>): Pick<SpringsData, SpringsSplitName> {
  return scope(() => {
    const range = (t: Tensor): [number, number] => [t.min().item() as number, t.max().item() as number];
    const [locMin, locMax] = range(raw.train.loc);
    const [velMin, velMax] = range(raw.train.vel);
    // A constant range (a one-simulation set) maps to 0 rather than dividing by zero.
    const scale = (t: Tensor, lo: number, hi: number): Tensor => t.sub(lo).mul(hi > lo ? 2 / (hi - lo) : 0).sub(hi > lo ? 1 : 0).permute(0, 3, 1, 2);
    const n = raw.train.edges.size(1);
    const offDiagonal: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) offDiagonal.push(i * n + j);
    const split = (s: RawSplit): SpringsSplit => {
      const features = cat([scale(s.loc, locMin, locMax), scale(s.vel, velMin, velMax)], 3).contiguous() as Tensor<'float32'>;
      const flat = s.edges.reshape([s.edges.size(0), n * n]).long();
      const edges = flat.indexSelect(1, tensor(offDiagonal, { dtype: 'int64' })) as Tensor<'int64'>;
      return { features, edges };
    };
    return { train: split(raw.train), valid: split(raw.valid), test: split(raw.test) };
  });
}
