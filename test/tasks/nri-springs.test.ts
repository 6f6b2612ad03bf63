// The springs simulator and data set of NRI: trajectories equal the original generator's equations (a
// numpy port run live), energy is conserved as the original's is, the set is deterministic for a seed,
// and the cache is used only when it holds exactly what the settings ask for.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { loadSpringsData } from '../../lib/tasks/nri/data';
import { drawSpringSystems, framesOf, integrateSprings, springsEnergy, springsSettings } from '../../lib/tasks/nri/springs';
import { skipVisibly } from '../helpers';

const PY = process.env.GT_PYTHON ?? '/usr/bin/python3';
const numpy = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' });
const settings = springsSettings();

function systems(count: number, seed: number) {
  torch.manualSeed(seed);
  return drawSpringSystems(count, settings);
}

describe('springs simulator', () => {
  test('draws: symmetric 0/1 graphs with an empty diagonal, unit-velNorm speeds, about half the pairs joined', () => {
    torch.scope(() => {
      const s = systems(4000, 1);
      expect(s.edges.sub(s.edges.transpose(1, 2)).abs().max().item()).toBe(0);
      const diag = s.edges.mul(torch.eye(5, { dtype: 'float64' })).sum().item();
      expect(diag).toBe(0);
      expect(s.edges.eq(0).add(s.edges.eq(1)).all().item()).toBe(true);
      const speed = s.vel.pow(2).sum(1).sqrt();
      expect(speed.sub(0.5).abs().max().item()).toBeLessThan(1e-12);
      const joined = (s.edges.sum().item() as number) / 2 / (4000 * 10);
      expect(Math.abs(joined - 0.5)).toBeLessThan(0.02);
    });
  });

  if (numpy.status !== 0) skipVisibly('trajectories equal the original equations (numpy)', `${PY} cannot import numpy`);
  else
    test('trajectories equal the original generator equations run in numpy; energy is conserved', () => {
      torch.scope(() => {
        // Wide initial positions so that some particles reach the walls (the reflections are compared too).
        torch.manualSeed(3);
        const s = drawSpringSystems(6, settings);
        s.loc.mul_(6);
        const req = { settings, edges: s.edges.toArray(), loc: s.loc.toArray(), vel: s.vel.toArray() };
        const ours = integrateSprings(s, settings, { dtype: 'float64', chunk: 4 });
        const r = spawnSync(PY, [path.join(__dirname, '..', '..', 'scripts', 'springs_reference.py')], { input: JSON.stringify(req), encoding: 'utf8', maxBuffer: 1 << 28 });
        if (r.status !== 0) throw new Error(r.stderr);
        const ref = JSON.parse(r.stdout) as { loc: number[][][][]; vel: number[][][][]; energy: number[][] };
        expect(ours.loc.shape).toEqual([6, framesOf(settings), 2, 5]);
        const diff = (a: torch.Tensor, b: number[][][][]): number => a.sub(torch.tensor(b, { dtype: 'float64' })).abs().max().item() as number;
        expect(diff(ours.loc, ref.loc)).toBeLessThan(1e-9);
        expect(diff(ours.vel, ref.vel)).toBeLessThan(1e-9);
        // Some reflections happened: a position beyond 4 in some frame.
        expect(ours.loc.abs().max().item()).toBeGreaterThan(4);
        const energy = springsEnergy(ours.loc, ours.vel, s.edges, settings);
        expect(energy.sub(torch.tensor(ref.energy, { dtype: 'float64' })).abs().max().item()).toBeLessThan(1e-9);
        // Leapfrog keeps the energy within a small band over the whole run (walls reflect elastically).
        const rel = energy.sub(energy.select(1, 0).unsqueeze(1)).abs().div(energy.select(1, 0).unsqueeze(1));
        expect(rel.max().item()).toBeLessThan(0.05);
      });
    });

  test('chunking does not change the result', () => {
    torch.scope(() => {
      const s = systems(10, 5);
      const a = integrateSprings(s, settings, { chunk: 10 });
      const b = integrateSprings(s, settings, { chunk: 3 });
      expect(a.loc.sub(b.loc).abs().max().item()).toBe(0);
      expect(a.vel.sub(b.vel).abs().max().item()).toBe(0);
    });
  });

  test('bad settings and options are clear errors', () => {
    expect(() => springsSettings({ particles: 1 })).toThrow(RangeError);
    expect(() => springsSettings({ length: 5050 })).toThrow(/multiple of sampleFreq/);
    expect(() => springsSettings({ edgeProb: 2 })).toThrow(RangeError);
    expect(() => springsSettings({ boxSize: -1 })).toThrow(RangeError);
    expect(() => springsSettings({ box_size: 5 } as never)).toThrow(/did you mean 'boxSize'/);
    expect(() => loadSpringsData({ train: 0, cacheDir: null })).toThrow(RangeError);
    expect(() => loadSpringsData({ trian: 5 } as never)).toThrow(/did you mean 'train'/);
  });
});

describe('springs data set', () => {
  const small = { train: 40, valid: 10, test: 10, seed: 7, settings: { length: 1000 } };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-springs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('features in [-1, 1] by the training range, 20 edge labels, deterministic, cached, torch generator untouched', () => {
    torch.manualSeed(123);
    const before = torch.rand([3]).toArray();
    torch.manualSeed(123);
    const a = loadSpringsData({ ...small, cacheDir: dir });
    const after = torch.rand([3]).toArray();
    expect(after).toEqual(before);
    expect(a.cached).toBe(false);
    expect(a.train.features.shape).toEqual([40, 5, 9, 4]);
    expect(a.train.edges.shape).toEqual([40, 20]);
    expect(a.train.edges.dtype).toBe('int64');
    expect(a.train.features.min().item()).toBeCloseTo(-1, 6);
    expect(a.train.features.max().item()).toBeCloseTo(1, 6);
    const b = loadSpringsData({ ...small, cacheDir: dir });
    expect(b.cached).toBe(true);
    for (const s of ['train', 'valid', 'test'] as const) {
      expect(b[s].features.sub(a[s].features).abs().max().item()).toBe(0);
      expect(b[s].edges.eq(a[s].edges).all().item()).toBe(true);
    }
    const c = loadSpringsData({ ...small, cacheDir: null });
    expect(c.train.features.sub(a.train.features).abs().max().item()).toBe(0);
    // Edge labels are the off-diagonal entries of the symmetric graph: i -> j equals j -> i.
    const e = a.train.edges.toArray() as number[][];
    const at = (row: number[], i: number, j: number): number => row[i * 4 + (j > i ? j - 1 : j)];
    for (const row of e) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) expect(at(row, i, j)).toBe(at(row, j, i));
  });

  test('a corrupt, truncated or foreign cache file is rebuilt, never trusted', () => {
    const a = loadSpringsData({ ...small, cacheDir: dir });
    const file = a.cacheFile as string;
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 100] ^= 0x40;
    for (const [bad, why] of [
      [flipped, /checksum/],
      [good.subarray(0, good.length - 1000), /./],
      [Buffer.from('not a safetensors file'), /./],
    ] as const) {
      fs.writeFileSync(file, bad);
      const b = loadSpringsData({ ...small, cacheDir: dir });
      expect(b.cached).toBe(false);
      expect(b.rebuiltBecause).toMatch(why);
      expect(b.train.features.sub(a.train.features).abs().max().item()).toBe(0);
      // The rebuilt file is good again.
      expect(loadSpringsData({ ...small, cacheDir: dir }).cached).toBe(true);
    }
  });
});
