// nn.init against real PyTorch run live: kaiming_uniform_/kaiming_normal_/orthogonal_/trunc_normal_ draw
// what PyTorch draws for the same seed (orthogonal_ through LAPACK's QR: equal to rounding on this CPU),
// and calculate_gain's values; then the checks of bad arguments.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as torch from '../lib';
import { livePyTorch, skipVisibly } from './helpers';

const { init } = torch.nn;
type Ref = Record<string, { seed: number; shape: number[]; dtype: 'float32' | 'float64'; values: number[] }> & { gains: Record<string, number> };

function maxDiff(t: torch.Tensor, want: number[]): number {
  const x = Array.from(t.data(), Number);
  expect(x.length).toBe(want.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
}

const CALLS: Record<string, (w: torch.Tensor) => torch.Tensor> = {
  'kaimingUniform default': (w) => init.kaimingUniform_(w),
  'kaimingUniform a fanOut relu': (w) => init.kaimingUniform_(w, { a: 0.2, mode: 'fanOut', nonlinearity: 'relu' }),
  'kaimingUniform leakyRelu a': (w) => init.kaimingUniform_(w, { a: 0.3 }),
  'kaimingNormal default': (w) => init.kaimingNormal_(w),
  'kaimingNormal fanOut tanh': (w) => init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'tanh' }),
  'orthogonal tall': (w) => init.orthogonal_(w),
  'orthogonal wide gain': (w) => init.orthogonal_(w, 1.7),
  'orthogonal conv': (w) => init.orthogonal_(w, 0.5),
  'truncNormal default': (w) => init.truncNormal_(w),
  'truncNormal mean std a b': (w) => init.truncNormal_(w, { mean: 0.5, std: 2, a: -1, b: 3 }),
};

if (!livePyTorch.version) skipVisibly('nn.init equals PyTorch', livePyTorch.reason ?? 'no PyTorch');
else
  describe('nn.init equals PyTorch (live)', () => {
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, '..', 'scripts', 'nn_init_reference.py')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(r.stderr);
    const ref = JSON.parse(r.stdout) as Ref;

    test.each(Object.keys(CALLS))('%s: the same draws for the same seed', (name) =>
      torch.scope(() => {
        const c = ref[name];
        torch.manualSeed(c.seed);
        const w = torch.empty(c.shape, { dtype: c.dtype });
        expect(CALLS[name](w)).toBe(w);
        // Elementwise math on PyTorch's own draws: float64 to rounding, float32 to its last bits; QR (LAPACK) a little looser.
        const tol = name.startsWith('orthogonal') ? (c.dtype === 'float64' ? 1e-12 : 1e-5) : c.dtype === 'float64' ? 1e-14 : 1e-6;
        expect(maxDiff(w, c.values)).toBeLessThan(tol);
        expect(w.requiresGrad).toBe(false);
      }));

    test('calculateGain: PyTorch\'s values, under its snake_case names and ours', () => {
      const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      for (const [k, v] of Object.entries(ref.gains)) {
        const [name, param] = k.split(' ');
        const p = param === undefined ? undefined : Number(param);
        expect(init.calculateGain(name as Parameters<typeof init.calculateGain>[0], p)).toBe(v);
        expect(init.calculateGain(camel(name) as Parameters<typeof init.calculateGain>[0], p)).toBe(v);
      }
    });
  });

describe('nn.init', () => {
  test('orthogonal_ is orthogonal (rows or columns), times gain, and works on a parameter that requires grad', () =>
    torch.scope(() => {
      const lin = new torch.nn.Linear(6, 3, { dtype: 'float64' });
      init.orthogonal_(lin.weight, 2);
      const w = lin.weight.detach();
      const wwt = w.matmul(w.t()).div(4);
      expect(wwt.sub(torch.eye(3, { dtype: 'float64' })).abs().max().item()).toBeLessThan(1e-12);
      expect(lin.weight.requiresGrad).toBe(true);
    }));

  test('truncNormal_ stays inside [a, b]', () =>
    torch.scope(() => {
      torch.manualSeed(0);
      const w = init.truncNormal_(torch.empty([2000]), { mean: 1, std: 3, a: -0.5, b: 2 });
      expect(w.min().item()).toBeGreaterThanOrEqual(-0.5);
      expect(w.max().item()).toBeLessThanOrEqual(2);
    }));

  test('kaiming on a zero-element tensor is a no-op with PyTorch\'s warning', () =>
    torch.scope(() => {
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const w = torch.empty([0, 3]);
      expect(init.kaimingUniform_(w)).toBe(w);
      expect(warn).toHaveBeenCalledWith('Initializing zero-element tensors is a no-op', 'UserWarning');
      warn.mockRestore();
    }));

  test('bad arguments: clean errors naming them', () =>
    torch.scope(() => {
      const w = torch.empty([3, 4]);
      expect(() => init.kaimingUniform_(w, { mode: 'fanAll' as never })).toThrow(new TypeError("kaimingUniform_: mode must be 'fanIn' or 'fanOut', got string 'fanAll'"));
      expect(() => init.kaimingNormal_(w, { nonlinearity: 'swish' as never })).toThrow(/unsupported nonlinearity string 'swish'/);
      expect(() => init.kaimingNormal_(w, { gain: 2 } as never)).toThrow(/kaimingNormal_ options: unknown option 'gain'/);
      expect(() => init.kaimingUniform_(torch.empty([4]))).toThrow(RangeError);
      expect(() => init.kaimingUniform_(w, { a: Number.NaN })).toThrow(/a must be a number/);
      expect(() => init.orthogonal_(torch.empty([4]))).toThrow(/2 or more dimensions/);
      expect(() => init.orthogonal_('w' as never)).toThrow(TypeError);
      expect(() => init.truncNormal_(w, { a: 2, b: 1 })).toThrow(RangeError);
      expect(() => init.truncNormal_(w, { std: 0 })).toThrow(/std must be > 0/);
      expect(() => init.truncNormal_(w, { low: 0 } as never)).toThrow(/unknown option 'low'/);
      expect(() => init.calculateGain('leakyRelu', Number.NaN)).toThrow(/param must be a number/);
    }));
});
