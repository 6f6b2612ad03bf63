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
  expect(m).toBeLessThan(tol);
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
