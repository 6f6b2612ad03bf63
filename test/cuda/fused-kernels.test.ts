// The fused CUDA Gumbel kernels' review findings (issue 23), one test each: in-kernel noise independent
// of later random ops, NaN rows, plain contiguous outputs, K from 33 to 257, float64/float16/bfloat16,
// noise dtype promotion, non-contiguous inputs, 0-dim logits, cuda:1, memory() per device, fused Adam
// over mixed dtypes. Each compares with the CPU path on the same values. Skips without a GPU, saying so.
import * as torch from '../../lib';
import { native } from '../../lib/native';
import { describeCuda, maxAbsDiff } from '../helpers';
import { gumbelFloat, philoxBlock } from '../philox';

const twoGpus = torch.cuda.isAvailable() && torch.cuda.deviceCount() > 1;

/** Gumbel-Softmax with given noise on a device and on the CPU: values and logits' gradients. */
function bothDevices(logits: torch.Tensor, noise: torch.Tensor, o: { tau?: number; hard?: boolean; dim?: number }, device: torch.Device = 'cuda') {
  const run = (dev: torch.Device) => {
    const l = logits.to(dev).detach().requiresGrad_();
    const y = torch.gumbelSoftmax(l, { ...o, noise: noise.to(dev) });
    const w = torch.tensor(Array.from({ length: y.numel() }, (_, i) => (i % 7) - 3)).reshape(y.shape).to(y.dtype).to(dev);
    y.mul(w).sum().backward();
    return { y: y.cpu().double(), g: l.grad!.cpu().double(), yDev: y };
  };
  return { gpu: run(device), cpu: run('cpu') };
}

describeCuda('fused CUDA Gumbel kernels', () => {
  test('in-kernel noise never reuses the numbers of a later random op (the repro)', () =>
    torch.scope(() => {
      const seed = 20231;
      torch.manualSeed(seed);
      torch.rand([1], { device: 'cuda' }); // generator offset 0 -> 4
      const y = torch.gumbelSoftmax(torch.zeros([1, 1000], { device: 'cuda' }), { tau: 1 }); // fused, at offset 4
      torch.rand([1], { device: 'cuda' });
      torch.rand([1], { device: 'cuda' });
      const u = Array.from(torch.rand([1000], { device: 'cuda' }).cpu().data(), Number); // at offset 16
      // The kernel's numbers, from the reference Philox: block offset/4 = 1 of each element's subsequence.
      const words = Array.from({ length: 1000 }, (_, e) => philoxBlock(seed, e, 1));
      const g = torch.tensor(words.map(gumbelFloat));
      expect(maxAbsDiff(y.cpu().reshape([1000]), g.softmax(-1))).toBeLessThan(1e-6); // the model of the kernel holds
      const uKernel = words.map((w) => ((w[0] >>> 9) + 0.5) * 2 ** -23);
      // Before the fix the kernel read block 4, which rand([1000]) at offset 16 reads: >= 256 matches.
      expect(u.filter((x, i) => Math.abs(x - uKernel[i]) < 1e-6).length).toBeLessThan(3);
    }));

  test('NaN and all -inf rows give NaN rows in hard and soft mode, as on the CPU', () =>
    torch.scope(() => {
      const l = torch.tensor([
        [0, NaN, 1, 2],
        [-Infinity, -Infinity, -Infinity, -Infinity],
        [0, 1, 2, 3],
        [Infinity, 0, 0, 0],
      ]);
      const n = torch.sampleGumbel([4, 4]);
      for (const hard of [false, true]) {
        const cpu = torch.gumbelSoftmax(l, { noise: n, hard });
        const gpu = torch.gumbelSoftmax(l.cuda(), { noise: n.cuda(), hard }).cpu();
        expect(gpu.isnan().toArray()).toEqual(cpu.isnan().toArray());
        const nanRows = (gpu.isnan().toArray() as boolean[][]).map((r) => r.every(Boolean));
        expect(nanRows).toEqual([true, true, false, true]);
        expect(maxAbsDiff(gpu.narrow(0, 2, 1), cpu.narrow(0, 2, 1))).toBeLessThan(1e-6);
      }
    }));

  test('outputs are plain contiguous tensors: in-place ops and .view() work for every dim', () =>
    torch.scope(() => {
      const l = torch.randn([4, 5, 6], { device: 'cuda' });
      for (const dim of [0, 1, 2, -1])
        for (const hard of [false, true]) {
          const y = torch.gumbelSoftmax(l, { dim, hard });
          expect(y.isContiguous()).toBe(true);
          expect(y.shape).toEqual([4, 5, 6]);
          expect(y.view([-1]).shape).toEqual([120]);
          y.mul_(2); // throws on a permuted view of a saved tensor
          expect(maxAbsDiff(y.sum(dim).cpu(), torch.full([4, 5, 6].filter((_, i) => i !== (dim + 3) % 3), 2))).toBeLessThan(1e-5);
        }
    }));

  for (const k of [33, 64, 65, 128, 129, 255, 256, 257])
    test(`K = ${k} (fused up to 256, ATen above): values and gradients equal the CPU's, dim last and first`, () =>
      torch.scope(() => {
        torch.manualSeed(k);
        for (const [shape, dim] of [
          [[7, k], -1],
          [[k, 3, 2], 0],
        ] as [number[], number][]) {
          for (const hard of [false, true]) {
            const { gpu, cpu } = bothDevices(torch.randn(shape), torch.sampleGumbel(shape), { tau: 0.7, hard, dim });
            expect(maxAbsDiff(gpu.y, cpu.y)).toBeLessThan(1e-6);
            expect(maxAbsDiff(gpu.g, cpu.g)).toBeLessThan(1e-5);
          }
        }
      }));

  test('float64, float16 and bfloat16 logits: the CPU result of the same dtype', () =>
    torch.scope(() => {
      torch.manualSeed(3);
      const l = torch.randn([16, 40]);
      const n = torch.sampleGumbel([16, 40]);
      for (const [dtype, tol] of [
        ['float64', 1e-12],
        ['float16', 2e-3],
        ['bfloat16', 1.6e-2],
      ] as const) {
        const { gpu, cpu } = bothDevices(l.to(dtype), n.to(dtype), { tau: 0.5 });
        expect(gpu.yDev.dtype).toBe(dtype);
        expect(maxAbsDiff(gpu.y, cpu.y)).toBeLessThanOrEqual(tol);
        expect(maxAbsDiff(gpu.g, cpu.g)).toBeLessThanOrEqual(tol * 20);
      }
    }));

  test('noise of another dtype promotes as on the CPU (float16 logits + float32 noise is float32)', () =>
    torch.scope(() => {
      const l = torch.randn([8, 10]);
      const n = torch.sampleGumbel([8, 10]);
      for (const [ld, nd] of [
        ['float16', 'float32'],
        ['float32', 'float64'],
        ['bfloat16', 'float16'],
      ] as const) {
        const cpu = torch.gumbelSoftmax(l.to(ld), { noise: n.to(nd) });
        const gpu = torch.gumbelSoftmax(l.to(ld).cuda(), { noise: n.to(nd).cuda() });
        expect(gpu.dtype).toBe(cpu.dtype);
        expect(maxAbsDiff(gpu.cpu().double(), cpu.double())).toBeLessThan(ld === 'float32' ? 1e-6 : 2e-3);
      }
    }));

  test('non-contiguous logits and noise: the CPU result', () =>
    torch.scope(() => {
      torch.manualSeed(5);
      const l = torch.randn([12, 9]).transpose(0, 1); // [9, 12], strides (1, 9)
      const n = torch.sampleGumbel([12, 9]).transpose(0, 1);
      expect(l.isContiguous()).toBe(false);
      for (const dim of [0, 1])
        for (const hard of [false, true]) {
          const cpu = torch.gumbelSoftmax(l, { noise: n, dim, hard });
          const gpu = torch.gumbelSoftmax(l.cuda(), { noise: n.cuda(), dim, hard });
          expect(gpu.isContiguous()).toBe(true);
          expect(maxAbsDiff(gpu.cpu(), cpu)).toBeLessThan(1e-6);
        }
    }));

  test('0-dim logits work on CUDA as on the CPU', () =>
    torch.scope(() => {
      for (const hard of [false, true]) {
        const y = torch.gumbelSoftmax(torch.tensor(1.5, { device: 'cuda' }), { hard });
        expect(y.shape).toEqual([]);
        expect(y.item()).toBe(1);
      }
    }));

  (twoGpus ? test : test.skip)(`cuda:1: results, seeded noise and memory() on the second GPU${twoGpus ? '' : ' [skipped: one CUDA device]'}`, () =>
    torch.scope(() => {
      const { gpu, cpu } = bothDevices(torch.randn([6, 50]), torch.sampleGumbel([6, 50]), { hard: true }, 'cuda:1');
      expect(gpu.yDev.device).toBe('cuda:1');
      expect(maxAbsDiff(gpu.y, cpu.y)).toBe(0);
      const l = torch.randn([1000, 10], { device: 'cuda:1' });
      torch.manualSeed(8);
      const a = torch.gumbelSoftmax(l, { hard: true });
      torch.manualSeed(8);
      expect(torch.gumbelSoftmax(l, { hard: true }).eq(a).all().item()).toBe(true);
      const before = torch.memory().cuda!.devices[1].allocatedBytes;
      const t = torch.ones([1024, 1024], { device: 'cuda:1' });
      expect(torch.memory().cuda!.devices[1].allocatedBytes - before).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      t.dispose();
    }),
  );

  test('memory() reports every device and their totals', () =>
    torch.scope(() => {
      const t = torch.ones([1024, 1024], { device: 'cuda' });
      const m = torch.memory().cuda!;
      expect(m.devices.length).toBe(torch.cuda.deviceCount());
      expect(m.devices[0].allocatedBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      expect(m.allocatedBytes).toBe(m.devices.reduce((s, d) => s + d.allocatedBytes, 0));
      t.dispose();
    }));

  const fusedAdam = native.fusedAdamAvailable;
  (fusedAdam ? test : test.skip)(`fused Adam over float32 and float64 parameters equals LibTorch's Adam${fusedAdam ? '' : ' [skipped: fused Adam needs LibTorch 2]'}`, () =>
    torch.scope(() => {
      torch.manualSeed(11);
      const init = [torch.randn([5, 3]), torch.randn([7], { dtype: 'float64' }), torch.randn([2, 2])];
      const run = (fused: boolean) => {
        const ps = init.map((p) => p.cuda().requiresGrad_());
        const opt = new torch.optim.Adam(ps, { lr: 0.01, fused });
        for (let i = 0; i < 3; i++) {
          opt.zeroGrad();
          ps.map((p) => p.pow(2).sum().double()).reduce((a, b) => a.add(b)).backward();
          opt.step();
        }
        return ps.map((p) => p.detach().cpu().double());
      };
      const a = run(true);
      const b = run(false);
      a.forEach((p, i) => expect(maxAbsDiff(p, b[i])).toBeLessThan(1e-6));
    }),
  );
});
