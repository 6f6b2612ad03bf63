// torch.distributed's process group over Gloo on loopback: collectives between real processes, and
// a clear error for every bad configuration.
import * as net from 'node:net';
import * as torch from '../../lib';
import { freePort, lastJson, requireDist, start, startJob, worker } from './ranks';

const gloo = torch.distributed.availableBackends().gloo;
const describeGloo = gloo ? describe : (n: string, f: () => void) => describe.skip(`${n} [skipped: built without gloo; apt-get install libgloo-dev and rebuild]`, f);

beforeAll(requireDist);

describeGloo('collectives between 3 processes', () => {
  interface Seen {
    rank: number;
    world: number;
    localRank: number;
    backend: string;
    sum: number[];
    avg: number[];
    max: number[];
    min: number[];
    product: number[];
    int64: number[];
    broadcast: number[];
    afterDestroy: boolean;
    uninitialised: string;
  }
  let seen: Seen[];
  beforeAll(async () => {
    const ranks = await startJob(3, worker('collectives'));
    const ended = await Promise.all(ranks.map((r) => r.ended));
    for (const e of ended) if (e.code !== 0) throw new Error(`rank ${e.rank} failed: ${e.stderr}`);
    seen = ended.map((e) => lastJson<Seen>(e.stdout));
  });
  test('every rank knows its place', () => {
    expect(seen.map((s) => [s.rank, s.world, s.localRank, s.backend])).toEqual([0, 1, 2].map((r) => [r, 3, r, 'gloo']));
  });
  test('allReduce: sum, avg, max, min, product, int64, on every rank', () => {
    for (const s of seen) {
      expect(s.sum).toEqual([6, 60]);
      expect(s.avg).toEqual([2]);
      expect(s.max).toEqual([2, 0]);
      expect(s.min).toEqual([0, -2]);
      expect(s.product).toEqual([24]);
      expect(s.int64).toEqual([6]);
    }
  });
  test('broadcast copies the last rank\'s tensors (two dtypes in one call) everywhere', () => {
    for (const s of seen) expect(s.broadcast).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });
  test('destroyProcessGroup leaves; collectives then say to init first', () => {
    for (const s of seen) {
      expect(s.afterDestroy).toBe(false);
      expect(s.uninitialised).toMatch(/not initialised; call initProcessGroup\(\) first/);
    }
  });
});

describeGloo('collectives called wrongly are errors on every rank, and the group stays usable', () => {
  interface Seen {
    errors: Record<string, string>;
    afterMisuse: number;
    afterWorkerThread: number | false;
    cycles: number[];
  }
  let seen: Seen[];
  beforeAll(async () => {
    const ranks = await startJob(2, worker('misuse'));
    const ended = await Promise.all(ranks.map((r) => r.ended));
    for (const e of ended) if (e.code !== 0) throw new Error(`rank ${e.rank} failed (${e.code ?? e.signal}): ${e.stderr}`);
    seen = ended.map((e) => lastJson<Seen>(e.stdout));
  });
  // Before: different sizes aborted the process inside Gloo, different dtypes of equal bytes gave
  // garbage, a short broadcast filled part of the tensor, and bool broke the group for good.
  test('different sizes, dtypes, ops or calls across ranks: a RangeError on every rank', () => {
    for (const s of seen) {
      expect(s.errors.sizes).toMatch(/^RangeError: (distAllReduce: )?allReduce: every rank must pass the same number of elements.*range 3 to 5/);
      expect(s.errors.dtypes).toMatch(/^RangeError: (distAllReduce: )?allReduce: .*the dtypes differ/);
      expect(s.errors.ops).toMatch(/^RangeError: (distAllReduce: )?allReduce: every rank must pass the same op/);
      expect(s.errors.calls).toMatch(/^RangeError: \w+: (allReduce|broadcast): the ranks called different collectives at the same time \(allReduce and broadcast\)/);
      expect(s.errors.broadcastSizes).toMatch(/^RangeError: (distBroadcast: )?broadcast: .*range 3 to 100/);
    }
  });
  test('dtypes a collective cannot reduce are TypeErrors before any communication', () => {
    for (const s of seen) {
      expect(s.errors.bool).toMatch(/^TypeError: (distAllReduce: )?allReduce: cannot reduce Bool tensors/);
      expect(s.errors.avgInt).toMatch(/^TypeError: (distAllReduce: )?allReduce: op 'avg' needs a floating-point tensor, got Long/);
    }
  });
  test('after all that the group still works', () => {
    for (const s of seen) expect(s.afterMisuse).toBe(2);
  });
  test('a worker thread that loads the library and ends leaves the main thread\'s group alone', () => {
    for (const s of seen) expect(s.afterWorkerThread).toBe(2);
  });
  test('destroy and re-initialise at once on the same port, while rank 0 lingers: every cycle works', () => {
    for (const s of seen) expect(s.cycles).toEqual([2, 2, 2, 2]);
  });
});

describe('bad configuration gives clear errors', () => {
  const clean = (): (() => void) => {
    const saved = { ...process.env };
    for (const k of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete process.env[k];
    return () => {
      process.env = saved;
    };
  };
  test('missing variables are named, with the option that replaces them', () => {
    const restore = clean();
    try {
      expect(() => torch.distributed.initProcessGroup()).toThrow(/worldSize is not set: pass \{ worldSize \} or set WORLD_SIZE/);
      expect(() => torch.distributed.initProcessGroup({ worldSize: 2 })).toThrow(/rank is not set: pass \{ rank \} or set RANK/);
      expect(() => torch.distributed.initProcessGroup({ worldSize: 2, rank: 0 })).toThrow(/masterAddr is not set: .*MASTER_ADDR/);
      process.env.MASTER_ADDR = '127.0.0.1';
      expect(() => torch.distributed.initProcessGroup({ worldSize: 2, rank: 0 })).toThrow(/masterPort is not set: .*MASTER_PORT/);
      process.env.RANK = 'one';
      expect(() => torch.distributed.initProcessGroup({ worldSize: 2 })).toThrow(TypeError);
      expect(() => torch.distributed.initProcessGroup({ worldSize: 2 })).toThrow(/RANK must be an integer, got 'one'/);
    } finally {
      restore();
    }
  });
  test('unknown options, bad types and out-of-range ranks are rejected before any connection', () => {
    const base = { rank: 0, worldSize: 2, masterAddr: '127.0.0.1', masterPort: 29500 };
    expect(() => torch.distributed.initProcessGroup({ ...base, world_size: 2 } as never)).toThrow(/unknown option 'world_size' \(did you mean 'worldSize'\?\)/);
    expect(() => torch.distributed.initProcessGroup({ ...base, backend: 'mpi' } as never)).toThrow(/backend must be 'gloo' or 'nccl'/);
    expect(() => torch.distributed.initProcessGroup({ ...base, rank: 2 })).toThrow(RangeError);
    expect(() => torch.distributed.initProcessGroup({ ...base, masterPort: 70000 })).toThrow(RangeError);
    expect(() => torch.distributed.initProcessGroup({ ...base, timeout: 0 })).toThrow(RangeError);
    expect(() => torch.distributed.allReduce(torch.ones([1]), { op: 'mean' } as never)).toThrow(/op must be one of sum, avg/);
    expect(() => torch.distributed.getRank()).toThrow(/not initialised/);
    expect(() => new torch.distributed.DistributedDataParallel(new torch.CategoricalVAE())).toThrow(/initProcessGroup\(\) first/);
  });
  if (!torch.distributed.availableBackends().nccl) {
    test('nccl without a CUDA LibTorch says so', () => {
      expect(() => torch.distributed.initProcessGroup({ backend: 'nccl', rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: 29500 })).toThrow(/backend 'nccl' needs .*CUDA LibTorch/);
    });
  }

  const initIn = async (rank: number, world: number, port: number, opts: object = {}): Promise<{ ok?: boolean; error?: string; name?: string }> => {
    const r = start(rank, worker('init'), [JSON.stringify({ timeout: 4000, ...opts })], { RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) });
    return lastJson((await r.ended).stdout);
  };
  (gloo ? test : test.skip)('a port in use is named, with the fix', async () => {
    const port = await freePort();
    const squatter = net.createServer().listen(port, '0.0.0.0');
    await new Promise((r) => squatter.once('listening', r));
    try {
      const res = await initIn(0, 1, port);
      expect(res.error).toMatch(new RegExp(`port ${port} on 127.0.0.1 is in use .*choose another MASTER_PORT`));
    } finally {
      squatter.close();
    }
  });
  (gloo ? test : test.skip)('a world-size mismatch is reported by both sides, naming both sizes', async () => {
    const port = await freePort();
    const [a, b] = await Promise.all([initIn(0, 2, port), initIn(1, 3, port)]);
    expect(a.error).toMatch(/world size mismatch: this process \(rank 0\) has WORLD_SIZE=2 but rank 1 .* has WORLD_SIZE=3/);
    expect(b.error).toMatch(/world size mismatch: this process \(rank 1\) has WORLD_SIZE=3 but rank 0 .* has WORLD_SIZE=2/);
  });
  (gloo ? test : test.skip)('a missing rank is named when the timeout passes', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const res = await initIn(0, 3, port, { timeout: 2000 });
    expect(res.error).toMatch(/timed out after 2 s waiting for rank\(s\) 1, 2 of WORLD_SIZE=3 to join/);
    expect(Date.now() - t0).toBeLessThan(15000);
  });
  (gloo ? test : test.skip)('a rank started twice is rejected', async () => {
    const port = await freePort();
    const env = (rank: number): Record<string, string> => ({ RANK: String(rank), WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) });
    const opts = JSON.stringify({ timeout: 30000 });
    const r0 = start(0, worker('init'), [opts, '20000'], env(0));
    const r1 = start(1, worker('init'), [opts, '20000'], env(1));
    await r1.printed('"ok"');
    const again = start(1, worker('init'), [opts], env(1));
    const [a, b, dup] = await Promise.all([r0.ended, r1.ended, again.ended]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(lastJson<{ error: string }>(dup.stdout).error).toMatch(/rank 1 joined twice: another process of this job already has this RANK/);
  });
  (gloo ? test : test.skip)('a rank that cannot reach rank 0 says where it looked', async () => {
    const port = await freePort();
    const res = await initIn(1, 2, port, { timeout: 2000 });
    expect(res.error).toMatch(new RegExp(`rank 1 could not reach the rendezvous store at 127.0.0.1:${port} within 2 s; is rank 0 running`));
  });
});
