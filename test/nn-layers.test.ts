// BatchNorm1d, ELU and nn.init against real PyTorch run live (elementwise and reduction kernels, no BLAS),
// and Module buffers: state-dict keys and order as PyTorch's, strict and non-strict loading.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { livePyTorch, skipVisibly } from './helpers';

type Case = Record<string, number[] | number | string[]>;
const close = (a: torch.Tensor, b: number[], tol: number): void => {
  const x = Array.from(a.data(), Number);
  expect(x.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - b[i]));
  expect(m).toBeLessThanOrEqual(tol);
};

function runBatchNorm(shape: number[], momentum: number | null, steps: number): { bn: torch.nn.BatchNorm1d | torch.nn.BatchNorm2d; out: Record<string, torch.Tensor> } {
  torch.manualSeed(0);
  const bn = new (shape.length === 4 ? torch.nn.BatchNorm2d : torch.nn.BatchNorm1d)(shape[1], { momentum });
  torch.noGrad(() => {
    (bn.weight as torch.Tensor).copy_(torch.randn([shape[1]]));
    (bn.bias as torch.Tensor).copy_(torch.randn([shape[1]]));
  });
  const out: Record<string, torch.Tensor> = {};
  for (let s = 0; s < steps; s++) {
    const x = torch.randn(shape).mul(3).add(1).detach().requiresGrad_();
    const y = bn.forward(x);
    const w = torch.randn(shape);
    y.mul(w).sum().backward();
    out[`y${s}`] = y;
    out[`dx${s}`] = x.grad as torch.Tensor;
  }
  bn.eval();
  out.eval = bn.forward(torch.randn(shape));
  return { bn, out };
}

if (!livePyTorch.version) skipVisibly('nn layers equal PyTorch', livePyTorch.reason ?? 'no PyTorch');
else
  describe('nn layers equal PyTorch (live)', () => {
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, '..', 'scripts', 'nn_layers_reference.py')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(r.stderr);
    const ref = JSON.parse(r.stdout) as Record<string, Case> & { xavier: number[] };

    test.each([
      ['bn2d', [8, 3], 0.1],
      ['bn3d', [4, 5, 6], null],
      ['bn4d', [3, 4, 5, 2], 0.3],
    ] as const)('BatchNorm %s: outputs, gradients, running statistics, eval, state-dict keys', (name, shape, momentum) => {
      const c = ref[name];
      const { bn, out } = runBatchNorm([...shape], momentum, 3);
      for (let s = 0; s < 3; s++) {
        close(out[`y${s}`], c[`y${s}`] as number[], 1e-5);
        close(out[`dx${s}`], c[`dx${s}`] as number[], 1e-5);
      }
      close(bn.weight?.grad as torch.Tensor, c.dweight as number[], 1e-4);
      close(bn.bias?.grad as torch.Tensor, c.dbias as number[], 1e-4);
      close(bn.runningMean as torch.Tensor, c.running_mean as number[], 1e-5);
      close(bn.runningVar as torch.Tensor, c.running_var as number[], 1e-5);
      expect(bn.numBatchesTracked?.item()).toBe(c.num_batches_tracked);
      close(out.eval, c.eval as number[], 1e-5);
      expect(Object.keys(bn.stateDict())).toEqual(c.keys);
    });

    // Convolutions go through oneDNN/BLAS, which round per CPU: float32 within 1e-5 of this CPU's PyTorch.
    test.each([
      ['conv2d', () => new torch.nn.Conv2d(3, 5, 3, { stride: 2, padding: 1 }), [2, 3, 9, 8]],
      ['conv2dgroups', () => new torch.nn.Conv2d(4, 6, [3, 2], { groups: 2, dilation: [2, 1], bias: false }), [2, 4, 9, 8]],
      ['convt2d', () => new torch.nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), [2, 3, 5, 4]],
      ['conv1d', () => new torch.nn.Conv1d(3, 4, 5, { padding: 2 }), [2, 3, 11]],
    ] as const)('%s: initial weights (same draws for the seed), output, gradients, state-dict keys', (name, make, shape) => {
      const c = ref[name];
      torch.manualSeed(3);
      const m = make();
      close(m.weight, c.weight as number[], 1e-7);
      if (c.bias) close(m.bias as torch.Tensor, c.bias as number[], 1e-7);
      else expect(m.bias).toBeUndefined();
      const x = torch.randn([...shape]).requiresGrad_();
      const y = m.forward(x);
      y.mul(torch.randn(y.shape)).sum().backward();
      close(y, c.y as number[], 1e-5);
      close(x.grad as torch.Tensor, c.dx as number[], 1e-5);
      close(m.weight.grad as torch.Tensor, c.dweight as number[], 1e-4);
      if (c.dbias) close(m.bias?.grad as torch.Tensor, c.dbias as number[], 1e-4);
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
    });

    // Padding modes pad with F.pad before the convolution; 'same' with an even kernel pads the extra
    // zero on the right (ATen's _convolution_same) or, in other modes, by PyTorch's module's own list.
    const modes = ['zeros', 'reflect', 'replicate', 'circular'] as const;
    test.each([
      ...modes.map((m) => [`conv2d_${m}`, () => new torch.nn.Conv2d(3, 4, 3, { padding: [1, 2], paddingMode: m, stride: [2, 1] }), [2, 3, 7, 6]] as const),
      ...modes.map((m) => [`conv2d_same_${m}`, () => new torch.nn.Conv2d(3, 4, [4, 3], { padding: 'same', paddingMode: m, dilation: [1, 2] }), [2, 3, 7, 6]] as const),
      ...modes.map((m) => [`conv1d_same_${m}`, () => new torch.nn.Conv1d(2, 3, 4, { padding: 'same', paddingMode: m }), [2, 2, 9]] as const),
      ['conv2d_valid', () => new torch.nn.Conv2d(3, 4, 3, { padding: 'valid' }), [2, 3, 7, 6]] as const,
      ['conv2d_same_unbatched', () => new torch.nn.Conv2d(3, 4, 2, { padding: 'same', paddingMode: 'reflect' }), [3, 5, 6]] as const,
    ])('%s: output and gradients equal PyTorch', (name, make, shape) => {
      const c = ref[name];
      torch.manualSeed(3);
      const m = make();
      close(m.weight, c.weight as number[], 1e-7);
      const x = torch.randn([...shape]).requiresGrad_();
      const y = m.forward(x);
      y.mul(torch.randn(y.shape)).sum().backward();
      close(y, c.y as number[], 1e-5);
      close(x.grad as torch.Tensor, c.dx as number[], 1e-5);
      close(m.weight.grad as torch.Tensor, c.dweight as number[], 1e-4);
      close(m.bias?.grad as torch.Tensor, c.dbias as number[], 1e-4);
    });

    test.each([
      ['layernorm', () => new torch.nn.LayerNorm([3, 4]), [2, 5, 3, 4]],
      ['layernorm_plain', () => new torch.nn.LayerNorm(6, { eps: 1e-3, elementwiseAffine: false }), [4, 6]],
      ['groupnorm', () => new torch.nn.GroupNorm(3, 6), [2, 6, 4, 3]],
      ['groupnorm_plain', () => new torch.nn.GroupNorm(2, 4, { eps: 1e-3, affine: false }), [3, 4, 5]],
    ] as const)('%s: output, gradients and state-dict keys equal PyTorch', (name, make, shape) => {
      const c = ref[name];
      torch.manualSeed(5);
      const m = make();
      if (m.weight)
        torch.noGrad(() => {
          m.weight?.copy_(torch.randn(m.weight.shape));
          m.bias?.copy_(torch.randn((m.bias as torch.Tensor).shape));
        });
      const x = torch.randn([...shape]).mul(2).add(0.5).detach().requiresGrad_();
      const y = m.forward(x);
      y.mul(torch.randn(y.shape)).sum().backward();
      close(y, c.y as number[], 1e-5);
      close(x.grad as torch.Tensor, c.dx as number[], 1e-5);
      if (c.dweight) {
        close(m.weight?.grad as torch.Tensor, c.dweight as number[], 1e-4);
        close(m.bias?.grad as torch.Tensor, c.dbias as number[], 1e-4);
      } else expect(m.parameters()).toHaveLength(0);
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
    });

    test.each([
      ['dropout', () => new torch.nn.Dropout(0.3), [4, 50]],
      ['dropout2d', () => new torch.nn.Dropout2d({ p: 0.4 }), [3, 8, 4, 4]],
    ] as const)('%s: the same mask as PyTorch for the seed in training, the identity in eval', (name, make, shape) => {
      const c = ref[name];
      const m = make();
      torch.manualSeed(6);
      const x = torch.randn([...shape]).requiresGrad_();
      const y = m.forward(x);
      y.sum().backward();
      close(y, c.y as number[], 1e-6);
      close(x.grad as torch.Tensor, c.dx as number[], 1e-6);
      m.eval();
      close(m.forward(x), c.eval as number[], 0);
      expect(m.forward(x).sub(x).abs().max().item()).toBe(0);
    });

    test.each([
      ['embedding', {}, [[1, 2, 2], [9, 0, 3]]],
      ['embedding_pad', { paddingIdx: -2 }, [[8, 2, 8], [9, 0, 8]]],
      ['embedding_maxnorm', { paddingIdx: 1, maxNorm: 1.5, normType: 3 }, [[1, 2, 2], [9, 0, 5]]],
      ['embedding_freq', { scaleGradByFreq: true }, [[1, 2, 2], [2, 0, 2]]],
    ] as const)('%s: initial weights for the seed, lookup, gradient (none for the padding row), renormalised rows', (name, opts, idx) => {
      const c = ref[name];
      torch.manualSeed(7);
      const m = new torch.nn.Embedding(10, 4, opts);
      close(m.weight, c.weight0 as number[], 0);
      const y = m.forward(torch.tensor(idx.map((r) => [...r]), { dtype: 'int64' }));
      y.mul(torch.randn(y.shape)).sum().backward();
      close(y, c.y as number[], 1e-6);
      close(m.weight.grad as torch.Tensor, c.dweight as number[], 1e-6);
      close(m.weight, c.weight1 as number[], 1e-6);
      expect(Object.keys(m.stateDict())).toEqual(['weight']);
    });

    test('Embedding.fromPretrained: the given rows (padding row kept), freeze false trains them', () => {
      torch.manualSeed(8);
      const e = torch.nn.Embedding.fromPretrained(torch.randn([5, 3]), { freeze: false, paddingIdx: 2 });
      const y = e.forward(torch.tensor([2, 4, 2], { dtype: 'int64' }));
      y.mul(torch.randn(y.shape)).sum().backward();
      close(y, ref.from_pretrained.y as number[], 0);
      close(e.weight.grad as torch.Tensor, ref.from_pretrained.dweight as number[], 1e-6);
      expect(torch.nn.Embedding.fromPretrained(torch.randn([5, 3])).weight.requiresGrad).toBe(false);
    });

    test('MaxPool2d: values and gradient (float64)', () => {
      torch.manualSeed(4);
      const x = torch.randn([2, 3, 7, 6], { dtype: 'float64' }).requiresGrad_();
      const y = new torch.nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x);
      y.sum().backward();
      close(y, ref.maxpool.y as number[], 1e-15);
      close(x.grad as torch.Tensor, ref.maxpool.dx as number[], 1e-15);
    });

    test('elu: values and gradient', () => {
      torch.manualSeed(1);
      const x = torch.randn([50]).mul(3).double().detach().requiresGrad_();
      const y = torch.nn.elu(x, 0.7);
      y.sum().backward();
      close(y, ref.elu.y as number[], 1e-12);
      close(x.grad as torch.Tensor, ref.elu.dx as number[], 1e-12);
    });

    test('init.xavierNormal_ draws what PyTorch draws for the same seed', () => {
      torch.manualSeed(2);
      const w = torch.empty([7, 5]);
      torch.nn.init.xavierNormal_(w, 1.3);
      close(w, ref.xavier, 1e-6);
    });
  });

describe('Module buffers', () => {
  class Block extends torch.nn.Module {
    fc = new torch.nn.Linear(3, 4);
    bn = new torch.nn.BatchNorm1d(4);
    forward(x: torch.Tensor): torch.Tensor {
      return this.bn.forward(this.fc.forward(x));
    }
  }

  test('state dict: parameters then buffers per module, in PyTorch order; buffers are not parameters', () => {
    const b = new Block();
    expect(Object.keys(b.stateDict())).toEqual(['fc.weight', 'fc.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(b.parameters()).toHaveLength(4);
    expect([...b.namedBuffers()].map(([k]) => k)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
  });

  test('loadStateDict: buffers load; strict names missing and unexpected keys; non-strict returns them; shapes always checked', () => {
    const a = new Block();
    a.forward(torch.randn([5, 3]));
    const b = new Block();
    b.loadStateDict(a.stateDict());
    expect(b.bn.runningMean?.sub(a.bn.runningMean as torch.Tensor).abs().max().item()).toBe(0);
    expect(b.bn.numBatchesTracked?.item()).toBe(1);
    const sd = a.stateDict();
    delete sd['bn.running_var'];
    sd.extra = torch.zeros([1]);
    expect(() => b.loadStateDict(sd)).toThrow(/missing keys \[bn.running_var\], unexpected keys \[extra\]/);
    expect(b.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['bn.running_var'], unexpectedKeys: ['extra'] });
    sd['bn.running_mean'] = torch.zeros([3]);
    expect(() => b.loadStateDict(sd, { strict: false })).toThrow(RangeError);
    expect(() => b.loadStateDict(a.stateDict(), { strcit: true } as never)).toThrow(/did you mean 'strict'/);
  });

  test('to(float64) casts floating buffers and keeps the counter int64', () => {
    const b = new Block().to('float64');
    expect(b.bn.runningMean?.dtype).toBe('float64');
    expect(b.bn.numBatchesTracked?.dtype).toBe('int64');
  });

  test('BatchNorm1d misuse: wrong rank or channels, one value per channel in training', () => {
    const bn = new torch.nn.BatchNorm1d(4);
    expect(() => bn.forward(torch.randn([4]))).toThrow(RangeError);
    expect(() => bn.forward(torch.randn([2, 3]))).toThrow(/input has 3 channels/);
    expect(() => bn.forward(torch.randn([1, 4]))).toThrow(/more than 1 value per channel/);
    expect(() => new torch.nn.BatchNorm1d(4, { momentum: 2 })).toThrow(RangeError);
    expect(() => new torch.nn.BatchNorm1d(4, { track_running_stats: false } as never)).toThrow(/trackRunningStats/);
    bn.eval();
    expect(bn.forward(torch.randn([1, 4])).shape).toEqual([1, 4]);
  });

  test('BatchNorm2d, Conv2d, ConvTranspose2d, MaxPool2d misuse: clean errors naming the module', () => {
    const bn = new torch.nn.BatchNorm2d(3);
    expect(() => bn.forward(torch.randn([2, 3, 4]))).toThrow(/BatchNorm2d\(3\): expected a 4-D input/);
    expect(() => bn.forward(torch.randn([2, 4, 3, 3]))).toThrow(/input has 4 channels/);
    expect(() => bn.forward(torch.randn([1, 3, 1, 1]))).toThrow(/more than 1 value per channel/);
    expect(bn.numBatchesTracked?.item()).toBe(0);
    const conv = new torch.nn.Conv2d(3, 4, 3);
    expect(() => conv.forward(torch.randn([2, 2, 5, 5]))).toThrow(/Conv2d\(3, 4\): input has 2 channels/);
    expect(() => conv.forward(torch.randn([5, 5]))).toThrow(RangeError);
    expect(() => conv.forward(torch.randn([1, 3, 2, 2]))).toThrow(/Kernel size can't be greater than actual input size|kernel size/i);
    expect(() => new torch.nn.Conv2d(3, 4, [3, 3, 3])).toThrow(/kernelSize must be an integer or 2 integers/);
    expect(() => new torch.nn.Conv2d(3, 4, 0)).toThrow(RangeError);
    expect(() => new torch.nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/divisible by groups/);
    expect(() => new torch.nn.Conv2d(3, 4, 3, { padding_mode: 'zeros' } as never)).toThrow(/unknown option/);
    expect(() => new torch.nn.ConvTranspose2d(3, 4, 3, { outputPadding: -1 })).toThrow(RangeError);
    expect(() => new torch.nn.Conv2d(3, 4, 3, { outputPadding: 1 } as never)).toThrow(/unknown option 'outputPadding'/);
    expect(() => new torch.nn.MaxPool2d(0)).toThrow(/kernelSize\[0\]/);
    expect(() => new torch.nn.MaxPool2d(2).forward(torch.randn([2]))).toThrow(/maxPool2d/);
    expect(() => torch.nn.functional.conv2d(torch.randn([1, 3, 5, 5]), torch.randn([4, 3, 3, 3]), null, 'x' as never)).toThrow(/conv2d: argument 'stride' must be/);
  });
});
