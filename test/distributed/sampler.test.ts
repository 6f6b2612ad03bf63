// DistributedSampler gives each rank PyTorch's indices (fixture from PyTorch's own DistributedSampler,
// scripts/make_distributed_fixtures.py): disjoint shards, seed + epoch shuffles, padding, drop_last.
import * as torch from '../../lib';
import { fixture } from '../helpers';

interface Case {
  n: number;
  numReplicas: number;
  shuffle: boolean;
  seed: number;
  epoch: number;
  dropLast: boolean;
  numSamples: number;
  ranks: number[][] | null;
  heads: number[][];
  sums: number[];
}
const fx = fixture<{ cases: Case[] }>('distributed_sampler.json');

const indicesOf = (c: Case, rank: number): number[] => {
  const s = new torch.distributed.DistributedSampler(c.n, { numReplicas: c.numReplicas, rank, shuffle: c.shuffle, seed: c.seed, dropLast: c.dropLast });
  s.setEpoch(c.epoch);
  expect(s.length).toBe(c.numSamples);
  const t = s.indices();
  const out = Array.from(t.data() as BigInt64Array, Number);
  t.dispose();
  return out;
};

test.each(fx.cases.map((c) => [`n=${c.n} replicas=${c.numReplicas} shuffle=${c.shuffle} seed=${c.seed} epoch=${c.epoch} dropLast=${c.dropLast}`, c] as const))(
  'equals PyTorch: %s',
  (_, c) => {
    for (let r = 0; r < c.numReplicas; r++) {
      const got = indicesOf(c, r);
      if (c.ranks) expect(got).toEqual(c.ranks[r]);
      expect(got.slice(0, 20)).toEqual(c.heads[r]);
      expect(got.reduce((a, b) => a + b, 0)).toBe(c.sums[r]);
    }
  },
);

test('shards are disjoint and cover the data each epoch; epochs shuffle differently', () => {
  const seen = (epoch: number): number[][] =>
    [0, 1, 2].map((rank) => {
      const s = new torch.distributed.DistributedSampler(99, { numReplicas: 3, rank, seed: 4 });
      s.setEpoch(epoch);
      const t = s.indices();
      const v = Array.from(t.data() as BigInt64Array, Number);
      t.dispose();
      return v;
    });
  const e0 = seen(0);
  expect(new Set(e0.flat()).size).toBe(99);
  expect(e0.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 99 }, (_, i) => i));
  expect(seen(1)[0]).not.toEqual(e0[0]);
  expect(seen(0)).toEqual(e0);
});

test('a DataLoader takes its batches from the sampler', () => {
  const data = torch.arange(0, 10, 1, { dtype: 'float32' }).view(10, 1);
  const sampler = new torch.distributed.DistributedSampler(data, { numReplicas: 2, rank: 1, shuffle: false });
  const loader = new torch.data.DataLoader(data, { batchSize: 2, sampler });
  expect(loader.length).toBe(3);
  const batches = [...loader.batches()].map((b) => Array.from(b.data() as Float32Array));
  expect(batches).toEqual([[1, 3], [5, 7], [9]]);
  expect(() => new torch.data.DataLoader(data, { batchSize: 2, sampler, shuffle: true })).toThrow(/mutually exclusive with shuffle/);
});

test('bad arguments are named', () => {
  const S = torch.distributed.DistributedSampler;
  expect(() => new S(10)).toThrow(/numReplicas was not given and no process group is initialised/);
  expect(() => new S(10, { numReplicas: 2, rank: 2 })).toThrow(RangeError);
  expect(() => new S(-1, { numReplicas: 2, rank: 0 })).toThrow(RangeError);
  expect(() => new S(10, { numReplicas: 2, rank: 0, seeds: 1 } as never)).toThrow(/unknown option 'seeds' \(did you mean 'seed'\?\)/);
  expect(() => new S('10' as never, { numReplicas: 2, rank: 0 })).toThrow(TypeError);
  expect(() => new S(10, { numReplicas: 2, rank: 0 }).setEpoch(-1)).toThrow(RangeError);
});
