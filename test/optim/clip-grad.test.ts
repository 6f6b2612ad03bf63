// nn.utils: clipGradNorm_ (norms 2, 1, 3, inf, 0.5; clipping and not) and clipGradValue_ equal torch
// 1.13's; the norms are ATen reductions whose order depends on the CPU's vector width, so they are
// compared bit for bit with a live PyTorch run, and to 1e-6 with the committed fixture elsewhere.
// parametersToVector / vectorToParameters round trip and share storage, as PyTorch's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../../lib';
import { livePyTorch, runLiveReference } from '../helpers';

interface Clip { kind: 'norm' | 'value'; normType?: number | 'inf'; maxNorm?: number; clipValue?: number; total?: number; grads: number[][] }
const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('make_optim_fixtures.py', ['$OUT']) : path.join(__dirname, '..', 'fixtures');
const fx = JSON.parse(fs.readFileSync(path.join(refDir, 'optim.json'), 'utf8')) as { sgd: { shapes: number[][]; grads: number[][][] }; clip: Clip[] };
const { shapes, grads } = fx.sgd;
const values = (t: torch.Tensor): number[] => Array.from(t.data() as Float32Array);
const match = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => (live ? x === b[i] : Math.abs(x - b[i]) <= 1e-6 * Math.max(1, Math.abs(b[i]))));
const { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } = torch.nn.utils;

function withGrads(): torch.Tensor[] {
  return shapes.map((s, i) => {
    const p = torch.zeros(s).requiresGrad_();
    p.grad = torch.fromTypedArray(Float32Array.from(grads[3][i]), s);
    return p;
  });
}

test.each(fx.clip.map((c) => [JSON.stringify({ ...c, grads: undefined }), c] as const))(`%s equals PyTorch's ${live ? 'live run bit for bit' : 'fixture to 1e-6'}`, (_, c) => {
  const ps = withGrads();
  if (c.kind === 'norm') {
    const total = clipGradNorm_(ps, c.maxNorm as number, { normType: c.normType === 'inf' ? Infinity : c.normType });
    expect(total.shape).toEqual([]);
    expect(match([total.item() as number], [c.total as number])).toBe(true);
  } else clipGradValue_(ps, c.clipValue as number);
  ps.forEach((p, i) => expect([i, match(values(p.grad as torch.Tensor), c.grads[i])]).toEqual([i, true]));
});

test('without gradients the norm is 0 and nothing changes; a non-finite norm throws when asked', () => {
  const p = torch.ones([3]).requiresGrad_();
  expect(clipGradNorm_(p, 1).item()).toBe(0);
  p.grad = torch.tensor([1, Infinity, 2]);
  expect(() => clipGradNorm_([p], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 .* is non-finite/);
  expect(() => clipGradNorm_([p], 1, { norm_type: 2 } as never)).toThrow(/unknown option 'norm_type' \(did you mean 'normType'\?\)/);
  expect(() => clipGradNorm_([p], NaN)).toThrow(/maxNorm must be a number/);
  expect(() => clipGradValue_([p, 3 as never], 1)).toThrow(/parameters must be a tensor or an array of live tensors/);
});

test('parametersToVector and vectorToParameters round trip; the parameters then share the vector', () => {
  const a = torch.tensor([[1, 2], [3, 4]]).requiresGrad_();
  const b = torch.tensor([5, 6, 7]).requiresGrad_();
  const v = parametersToVector([a, b]);
  expect(values(v)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  const w = v.mul(10);
  vectorToParameters(w, [a, b]);
  expect(values(a)).toEqual([10, 20, 30, 40]);
  expect(a.shape).toEqual([2, 2]);
  expect(values(b)).toEqual([50, 60, 70]);
  w.fill_(1);
  expect(values(b)).toEqual([1, 1, 1]);
  expect(a.requiresGrad).toBe(true);
  expect(() => vectorToParameters(torch.zeros([6]), [a, b])).toThrow(/vec has 6 elements, the parameters 7/);
  expect(() => vectorToParameters(torch.zeros([7], { dtype: 'float64' }), [a, b])).toThrow(/dtype/);
  expect(() => vectorToParameters(torch.zeros([7, 1]), [a, b])).toThrow(/1-D/);
  expect(() => parametersToVector([])).toThrow(/must not be empty/);
});
