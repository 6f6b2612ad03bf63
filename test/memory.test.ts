// Deterministic release: dispose, using, scopes; a long scoped loop keeps live tensors and RSS flat.
import * as torch from '../lib';

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

  // Node runs N-API finalizer bookkeeping when the event loop turns, so a long loop must yield now and
  // then (a training loop does at each progress update); without turns RSS grows until the next one.
  test('5000 scoped training-like iterations (after 5000 to warm the allocators): live tensors and RSS stay flat', async () => {
    const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
    torch.manualSeed(0);
    const w = torch.randn([64, 32]).requiresGrad_();
    const x = torch.randn([16, 64]);
    const step = (): void =>
      torch.scope(() => {
        const y = torch.gumbelSoftmax(x.matmul(w).view(16, 4, 8), { tau: 0.5 });
        y.sum().backward();
        torch.noGrad(() => w.sub_(w.grad!.mul(1e-3)));
        w.grad = undefined;
      });
    for (let i = 0; i < 5000; i++) {
      step();
      if (i % 100 === 0) await turn();
    }
    const live0 = torch.memory().liveTensors;
    const rss0 = process.memoryUsage().rss;
    for (let i = 0; i < 5000; i++) {
      step();
      if (i % 100 === 0) await turn();
    }
    expect(torch.memory().liveTensors).toBe(live0);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(16 * 1024 * 1024);
    w.dispose();
    x.dispose();
  });

  test('the finalizer reclaims tensors that were never disposed', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return; // run with --expose-gc to exercise this (npm test does)
    const before = torch.memory().liveTensors;
    (() => {
      for (let i = 0; i < 100; i++) torch.ones([10]);
    })();
    for (let i = 0; i < 5 && torch.memory().liveTensors > before; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(torch.memory().liveTensors).toBe(before);
  });
});
