// Activation modules against PyTorch's, run live on a fixed input: defaults and options, values and
// gradients (float64); Softmax/LogSoftmax with a dim or PyTorch's implicit one; options checked at
// construction.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { livePyTorch, skipVisibly } from './helpers';

const { nn } = torch;

const MODULES: Record<string, () => torch.nn.Module & { forward(x: torch.Tensor): torch.Tensor }> = {
  ReLU: () => new nn.ReLU(),
  Sigmoid: () => new nn.Sigmoid(),
  Tanh: () => new nn.Tanh(),
  ELU: () => new nn.ELU(),
  'ELU alpha': () => new nn.ELU({ alpha: 0.4 }),
  CELU: () => new nn.CELU(),
  'CELU alpha': () => new nn.CELU({ alpha: 2.5 }),
  SELU: () => new nn.SELU(),
  LeakyReLU: () => new nn.LeakyReLU(),
  'LeakyReLU negativeSlope': () => new nn.LeakyReLU({ negativeSlope: 0.3 }),
  GELU: () => new nn.GELU(),
  'GELU tanh': () => new nn.GELU({ approximate: 'tanh' }),
  SiLU: () => new nn.SiLU(),
  Mish: () => new nn.Mish(),
  Softplus: () => new nn.Softplus(),
  'Softplus beta threshold': () => new nn.Softplus({ beta: 2, threshold: 3 }),
  LogSigmoid: () => new nn.LogSigmoid(),
  Hardtanh: () => new nn.Hardtanh(),
  'Hardtanh minVal maxVal': () => new nn.Hardtanh({ minVal: -0.5, maxVal: 2.5 }),
  Hardsigmoid: () => new nn.Hardsigmoid(),
  Hardswish: () => new nn.Hardswish(),
  ReLU6: () => new nn.ReLU6(),
  'Softmax 1': () => new nn.Softmax(1),
  'Softmax -1': () => new nn.Softmax({ dim: -1 }),
  'LogSoftmax 0': () => new nn.LogSoftmax(0),
  'Softmax implicit': () => new nn.Softmax(),
  'LogSoftmax implicit': () => new nn.LogSoftmax(),
};

const linspace = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

if (!livePyTorch.version) skipVisibly('activation modules equal PyTorch', livePyTorch.reason ?? 'no PyTorch');
else
  describe('activation modules equal PyTorch (live, float64)', () => {
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, '..', 'scripts', 'nn_activation_reference.py')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const ref = JSON.parse(r.stdout) as Record<string, { y: number[]; dx: number[] }>;

    test('every module of the reference is tested', () => expect(Object.keys(MODULES).sort()).toEqual(Object.keys(ref).sort()));

    test.each(Object.keys(MODULES))('%s: values and gradient', (name) =>
      torch.scope(() => {
        // The reference's input: linspace(-7, 7, 24) + 0.01 (off the kinks), computed as torch.linspace does.
        const x = torch.linspace(-7, 7, 24, { dtype: 'float64' }).reshape([2, 3, 4]).add(0.01).detach().requiresGrad_();
        const w = torch.tensor(linspace(-1, 1, 24), { dtype: 'float64' }).reshape([2, 3, 4]);
        // The implicit-dim cases warn as PyTorch's do (once); kept off the test output.
        const quiet = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        const y = MODULES[name]().forward(x);
        quiet.mockRestore();
        y.mul(w).sum().backward();
        const diff = (t: torch.Tensor, want: number[]): number => Array.from(t.data(), Number).reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
        expect(diff(y, ref[name].y)).toBeLessThan(1e-12);
        expect(diff(x.grad as torch.Tensor, ref[name].dx)).toBeLessThan(1e-12);
      }));
  });

describe('activation module options', () => {
  test('options are checked when the module is made', () => {
    expect(() => new nn.LeakyReLU({ negative_slope: 0.2 } as never)).toThrow(/unknown option 'negative_slope' \(did you mean 'negativeSlope'\?\)/);
    expect(() => new nn.GELU({ approximate: 'erf' as never })).toThrow(/GELU: approximate must be 'none' or 'tanh'/);
    expect(() => new nn.Hardtanh({ minVal: 1, maxVal: 0 })).toThrow(RangeError);
    expect(() => new nn.Softplus({ beta: 0 })).toThrow(/beta must not be 0/);
    expect(() => new nn.CELU({ alpha: 0 })).toThrow(/alpha must not be 0/);
    expect(() => new nn.ELU({ alpha: Number.NaN })).toThrow(/alpha must be a number/);
    expect(() => new nn.Softmax(1.5)).toThrow(/dim must be an integer/);
    expect(() => new nn.Softmax({ axis: 1 } as never)).toThrow(/unknown option 'axis'/);
    expect(() => new nn.ReLU6().forward('x' as never)).toThrow(/relu6: argument 'input' must be a Tensor/);
  });

  test('Softmax: an out-of-range dim is a clean error at forward; PyTorch\'s options are readable', () =>
    torch.scope(() => {
      expect(() => new nn.Softmax(2).forward(torch.rand([2, 2]))).toThrow(/dim/);
      expect(new nn.LeakyReLU().negativeSlope).toBe(0.01);
      const sp = new nn.Softplus();
      expect([sp.beta, sp.threshold]).toEqual([1, 20]);
      const ht = new nn.Hardtanh();
      expect([ht.minVal, ht.maxVal]).toEqual([-1, 1]);
      expect(new nn.GELU().approximate).toBe('none');
    }));
});
