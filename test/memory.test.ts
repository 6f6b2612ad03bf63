// Deterministic release: dispose, using, scopes; a long scoped loop keeps live tensors and RSS flat.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { callNative, native } from '../lib/native';

describe('memory', () => {
  test('dispose() frees, twice is harmless, using a disposed tensor is a TypeError', () => {
    const before = torch.memory().liveTensors;
    const t = torch.ones([1000]);
    expect(torch.memory().liveTensors).toBe(before + 1);
    t.dispose();
    t.dispose();
    expect(torch.memory().liveTensors).toBe(before);
    expect(() => t.add(1)).toThrow(TypeError);
    expect(() => t.shape).toThrow(/disposed/);
  });

  test('a using declaration releases at the end of its block', () => {
    const before = torch.memory().liveTensors;
    {
      using t = torch.ones([10]);
      expect(torch.memory().liveTensors).toBe(before + 1);
      expect(t.isDisposed).toBe(false);
    }
    expect(torch.memory().liveTensors).toBe(before);
  });

  test('scope() frees everything but its result, also on throw', () => {
    const before = torch.memory().liveTensors;
    const kept = torch.scope(() => {
      const a = torch.ones([3]);
      const b = a.add(1);
      return { out: b.mul(2), list: [b.sum()] };
    });
    expect(torch.memory().liveTensors).toBe(before + 2);
    kept.out.dispose();
    kept.list[0].dispose();
    expect(() =>
      torch.scope(() => {
        torch.ones([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(torch.memory().liveTensors).toBe(before);
  });

  test('keep() lets a tensor outlive its scope', () => {
    const before = torch.memory().liveTensors;
    let k: torch.Tensor | undefined;
    torch.scope(() => {
      k = torch.keep(torch.ones([2]));
      torch.ones([2]);
    });
    expect(torch.memory().liveTensors).toBe(before + 1);
    k!.dispose();
  });

  // Synchronous loops, never yielding to the event loop, as a PyTorch user writes them. On LibTorch's
  // own allocator (posix_memalign) glibc before 2.38 cannot reuse a freed tensor chunk for the next
  // tensor of the same size, so this loop grew the heap by ~300 KB per step: 130-550 MB over these
  // 2000 steps in a plain node child, 1.2 GB under jest (measured 2026-11-30, glibc 2.36). The addon's
  // allocator (native/memory/allocator.cc) reuses the chunks: measured 0-4 MB. The bound is generous (V8's
  // own heap may grow a little, the machine may be loaded) and far below the growth without it.
  const BOUND = 64 * 2 ** 20;
  type Soak = { growth: number; heapGrowth: number; live: number };
  const soakScript = (variant: 'scope' | 'dispose', steps: number): string => `
      const x = torch.rand([100, 784]); // 313 KB: above glibc's initial mmap threshold, as real batches are
      const el = () => { const a = x.mul(2); const b = a.add(1); const c = b.relu(); return [a, b, c, c.sum()]; };
      const run = ${JSON.stringify(variant)} === 'scope' ? () => torch.scope(() => void el()) : () => el().forEach((t) => t.dispose());
      for (let i = 0; i < 500; i++) run();
      const rss0 = process.memoryUsage().rss, heap0 = native._mallocInfo().heapBytes, live0 = torch.memory().liveTensors;
      for (let i = 0; i < ${steps}; i++) run();
      const out = { growth: process.memoryUsage().rss - rss0, heapGrowth: native._mallocInfo().heapBytes - heap0, live: torch.memory().liveTensors - live0 };
      x.dispose();
      return out;`;
  // In a plain node child process, as a user's script runs.
  const soakInChild = (variant: 'scope' | 'dispose'): Soak => {
    const dist = path.resolve(__dirname, '..', 'dist');
    const script = `
      const torch = require(${JSON.stringify(dist)});
      const { native } = require(${JSON.stringify(path.join(dist, 'native'))});
      console.log(JSON.stringify((() => {${soakScript(variant, 2000)}})()));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Soak;
  };
  const mb = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;

  test.each(['scope', 'dispose'] as const)('2000 synchronous steps (%s) in a node child: RSS and heap stay flat, no live tensor left', (variant) => {
    const { growth, heapGrowth, live } = soakInChild(variant);
    console.log(`sync ${variant} loop in node: RSS growth ${mb(growth)}, glibc heap growth ${mb(heapGrowth)} over 2000 steps`);
    expect(live).toBe(0);
    expect(heapGrowth).toBeLessThan(BOUND);
    expect(growth).toBeLessThan(BOUND);
  });

  // Inside jest's worker too: its extra threads spread allocations over more glibc arenas.
  test('2000 synchronous scoped steps inside jest: RSS and heap stay flat', () => {
     
    const run = new Function('torch', 'native', soakScript('scope', 2000)) as (t: typeof torch, n: typeof native) => Soak;
    const { growth, heapGrowth, live } = run(torch, native);
    console.log(`sync scope loop under jest: RSS growth ${mb(growth)}, glibc heap growth ${mb(heapGrowth)} over 2000 steps`);
    expect(live).toBe(0);
    expect(heapGrowth).toBeLessThan(BOUND);
    expect(growth).toBeLessThan(BOUND);
  });

  test('without dispose, a loop that awaits once per step stays bounded (the GC reclaims)', () => {
    const script = `
      const torch = require(${JSON.stringify(path.resolve(__dirname, '..', 'dist'))});
      const x = torch.rand([100, 784]);
      const el = () => { const a = x.mul(2); const b = a.add(1); const c = b.relu(); c.sum(); };
      (async () => {
        for (let i = 0; i < 500; i++) { el(); await new Promise((r) => setImmediate(r)); }
        const rss0 = process.memoryUsage().rss;
        let maxLive = 0;
        for (let i = 0; i < 2000; i++) { el(); await new Promise((r) => setImmediate(r)); maxLive = Math.max(maxLive, torch.memory().liveTensors); }
        console.log(JSON.stringify({ growth: process.memoryUsage().rss - rss0, maxLive }));
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const { growth, maxLive } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { growth: number; maxLive: number };
    console.log(`await loop without dispose: RSS growth ${mb(growth)}, at most ${maxLive} live tensors`);
    expect(maxLive).toBeLessThan(4 * 2000); // collected along the way, not piled up
    expect(growth).toBeLessThan(2 * BOUND);
  });

  describe('CPU allocator', () => {
    afterEach(() => torch.setCpuAllocator('cache'));

    test("is the addon's caching one by default; freed big blocks are cached, emptyCpuCache hands them back", () => {
      expect(torch.cpuAllocator()).toBe('cache');
      torch.emptyCpuCache();
      torch.ones([1 << 18]).dispose(); // 1 MiB
      expect(torch.memory().cpuCachedBytes).toBe(1 << 20);
      const again = torch.zeros([1 << 18]); // the same block, reused
      expect(torch.memory().cpuCachedBytes).toBe(0);
      expect(torch.scope(() => again.sum().item())).toBe(0);
      again.dispose();
      expect(torch.emptyCpuCache()).toBe(1 << 20);
      expect(torch.memory().cpuCachedBytes).toBe(0);
      torch.ones([100]).dispose(); // small blocks go back to malloc
      expect(torch.memory().cpuCachedBytes).toBe(0);
      torch.ones([(40 << 20) / 4]).dispose(); // 40 MiB: a one-off buffer goes back to the system
      expect(torch.memory().cpuCachedBytes).toBe(0);
    });

    test('switching keeps tensors made by the other allocator valid; bad kinds are TypeErrors', () => {
      const made: torch.Tensor[] = [];
      for (const kind of ['libtorch', 'malloc', 'cache', 'libtorch'] as const) {
        torch.setCpuAllocator(kind);
        expect(torch.cpuAllocator()).toBe(kind);
        made.push(torch.full([300, 300], made.length + 1), torch.full([3], made.length + 1));
      }
      torch.setCpuAllocator('malloc');
      expect(torch.memory().cpuCachedBytes).toBe(0); // leaving 'cache' empties it
      expect(torch.scope(() => made.map((t) => t.mean().item()))).toEqual([1, 1, 3, 3, 5, 5, 7, 7]);
      made.forEach((t) => t.dispose());
      expect(() => torch.setCpuAllocator('jemalloc' as torch.CpuAllocator)).toThrow(TypeError);
      expect(() => callNative('setCpuAllocator', ['x'])).toThrow(/unknown CPU allocator 'x'/);
    });

    test('GT_CPU_ALLOCATOR and GT_CPU_CACHE_MB choose at startup; bad values fail the load with the reason', () => {
      const dist = JSON.stringify(path.resolve(__dirname, '..', 'dist'));
      const run = (env: Record<string, string>, code: string) =>
        spawnSync(process.execPath, ['-e', `const torch = require(${dist}); ${code}`], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect(run({ GT_CPU_ALLOCATOR: 'libtorch' }, 'console.log(torch.cpuAllocator())').stdout.trim()).toBe('libtorch');
      // Three freed 512 KiB blocks under a 1 MiB cap: two are kept, the third goes back to malloc.
      const capped = run({ GT_CPU_CACHE_MB: '1' }, 'const ts = [0, 1, 2].map(() => torch.ones([1 << 17])); ts.forEach((t) => t.dispose()); console.log(torch.memory().cpuCachedBytes)');
      expect(capped.stdout.trim()).toBe(String(1 << 20));
      const bad = run({ GT_CPU_ALLOCATOR: 'bogus' }, '');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/GT_CPU_ALLOCATOR: unknown CPU allocator 'bogus'/);
      expect(run({ GT_CPU_CACHE_MB: 'lots' }, '').stderr).toMatch(/GT_CPU_CACHE_MB must be a number of MiB/);
    });
  });

  test('synchronous training steps (autograd, gumbelSoftmax, in-place update) in scopes leave no live tensor', () => {
    torch.manualSeed(0);
    const w = torch.randn([64, 32]).requiresGrad_();
    const xs = torch.randn([16, 64]);
    const step = (): void =>
      torch.scope(() => {
        const y = torch.gumbelSoftmax(xs.matmul(w).view(16, 4, 8), { tau: 0.5 });
        y.sum().backward();
        torch.noGrad(() => w.sub_(w.grad!.mul(1e-3)));
        w.grad = undefined;
      });
    const live0 = torch.memory().liveTensors;
    for (let i = 0; i < 2000; i++) step();
    expect(torch.memory().liveTensors).toBe(live0);
    w.dispose();
    xs.dispose();
  });

  test('a disposed native handle is released: not live, a second release is a no-op, ops reject it by name', () => {
    const t = torch.ones([3]);
    const h = t.handle;
    t.dispose();
    expect(callNative('isLiveTensor', [h])).toBe(false);
    expect(callNative('releaseTensor', [h])).toBe(false);
    expect(() => callNative('neg', [h])).toThrow(/^neg: .*disposed/);
  });

  test('the finalizer reclaims tensors that were never disposed', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return; // run with --expose-gc to exercise this (npm test does)
    // A forgotten tensor is registered at the next turn of the event loop, collected by a later full GC, and
    // released by FinalizationRegistry's cleanup, a task V8 posts after that GC: a few turns, more on a
    // loaded machine (seen once in CI), so this waits up to ~40 turns for the count to come back.
    const collect = async (until: () => boolean = () => false): Promise<void> => {
      for (let i = 0; i < 40 && !until(); i++) {
        gc();
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, i < 5 ? 0 : 5));
      }
    };
    // Test files that ran earlier in this jest worker may have left garbage: collect it first.
    await collect();
    const before = torch.memory().liveTensors;
    (() => {
      for (let i = 0; i < 100; i++) torch.ones([10]);
    })();
    expect(torch.memory().liveTensors).toBe(before + 100);
    await collect(() => torch.memory().liveTensors <= before);
    expect(torch.memory().liveTensors).toBe(before);
  });

  test('CategoricalVAE.forward and .loss free their intermediates without a scope', () => {
    torch.manualSeed(0);
    const model = new torch.CategoricalVAE();
    const x = torch.rand([8, 784]);
    const live0 = torch.memory().liveTensors;
    const { recon, qy } = model.forward(x, 1.0);
    expect(torch.memory().liveTensors).toBe(live0 + 2);
    const loss = model.loss(recon, x, qy);
    expect(torch.memory().liveTensors).toBe(live0 + 3);
    loss.backward(); // the graph keeps what backward needs; the JS handles were not needed
    const g = model.fc1.weight.grad;
    expect(g).toBeDefined();
    [recon, qy, loss, x, g!].forEach((t) => t.dispose());
    model.dispose();
  });

  test('data.loadImages leaves only its result alive (no float intermediate)', () => {
    const before = torch.memory().liveBytes;
    const images = torch.data.loadImages('t10k', { limit: 1000 });
    expect(torch.memory().liveBytes - before).toBe(1000 * 784 * 4);
    images.dispose();
  });
});
