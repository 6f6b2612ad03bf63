// The ops added through the op table against real PyTorch (test/fixtures/op-table.json, written by
// scripts/make_op_table_fixtures.py): values and gradients of every case through the derived method
// x.name(...), the free function torch.name(x, ...) and, where the op has one, the in-place x.name_(...);
// and a float64 finite-difference gradient check of every differentiable op.
import * as torch from '../lib';
import { type Tensor } from '../lib';
import { OPS, type OpSpec } from '../lib/op-table';
import { decode as decodeEnc, type Enc, fixture } from './helpers';
import { gradcheck } from './gradcheck';

type Arg = number | boolean | string | null | { t: number } | Arg[];
interface Case {
  op: string; tag: string; inputs: Enc[]; args: Arg[]; kwargs: Record<string, unknown>; outputs: Enc[]; grads?: (Enc | null)[];
  free?: boolean; seed?: number | null; gradcheck?: boolean; shapeOnly?: boolean;
}

const cases = fixture<{ cases: Case[] }>('op-table.json').cases;
type Fn = (...a: unknown[]) => unknown;
const spec = (op: string): OpSpec => (OPS as Record<string, OpSpec>)[op];
// A case whose op is a hand-written Tensor method (slice), or a table op with derived forms.
const forms = (op: string): readonly string[] => spec(op)?.forms ?? (typeof (torch.Tensor.prototype as unknown as Record<string, unknown>)[op] === 'function' ? ['method'] : []);
// Through BLAS: rounding differs per CPU, so float32 is held to a bound that holds on any CPU.
const BLAS = new Set(['mm', 'bmm', 'baddbmm', 'mv', 'dot', 'outer', 'einsum', 'tensordot', 'cdist', 'conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d']);

function decode(e: Enc): Tensor {
  if ((e.dtype as string) === 'int32') return torch.fromTypedArray(Int32Array.from(e.values as number[]), e.shape);
  if ((e.dtype as string) === 'uint8') return torch.fromTypedArray(Uint8Array.from(e.values as number[]), e.shape);
  return decodeEnc(e);
}
/** The call's arguments (after self unless free): tensors from the inputs, then the options. */
function callArgs(c: Case, xs: Tensor[]): unknown[] {
  const inf: Record<string, number> = { Infinity, '-Infinity': -Infinity }; // JSON has no infinities
  const res = (v: Arg): unknown => (Array.isArray(v) ? v.map(res) : v === null ? undefined : typeof v === 'object' ? xs[v.t] : typeof v === 'string' && v in inf ? inf[v] : v);
  const a: unknown[] = c.args.map(res);
  // {t: i} stands for inputs[i] in options too (a loss's posWeight)
  if (Object.keys(c.kwargs).length) a.push(Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, res(v as Arg)])));
  return a;
}
/** Runs the case through its form: torch.f(...) when free or function-only, else x.f(...). */
function run(c: Case, xs: Tensor[], via: 'method' | 'function' = forms(c.op).includes('method') ? 'method' : 'function'): unknown {
  if (c.seed != null) torch.manualSeed(c.seed);
  const fns = torch as unknown as Record<string, Fn>;
  if (c.free) return fns[c.op](...callArgs(c, xs));
  if (via === 'method') return (xs[0] as unknown as Record<string, Fn>)[c.op](...callArgs(c, xs));
  return fns[c.op](xs[0], ...callArgs(c, xs));
}
/** A result as PyTorch's list of outputs: a tensor, an array, or a named pair in its order. */
function outputsOf(r: unknown): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return r as Tensor[];
  return Object.values(r as Record<string, Tensor>);
}
/** Max |a - b|, NaN equal to NaN (PyTorch's NaNs are part of the expected values). */
function maxAbsDiff(actual: Tensor, expected: Enc | Tensor): number {
  const exp = expected instanceof torch.Tensor ? expected : decode(expected);
  expect(actual.shape).toEqual(exp.shape);
  const x = Array.from(actual.data(), Number);
  const y = Array.from(exp.data(), Number);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i] || (Number.isNaN(x[i]) && Number.isNaN(y[i]))) continue;
    const d = Math.abs(x[i] - y[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
/** Relative to the reference's size: float32 results within 2 ulp-ish, float64 within 1e-12. */
function tol(e: Enc, op: string): number {
  const mag = Math.max(1, ...e.values.map((v) => (typeof v === 'number' ? Math.abs(v) : 0)));
  return (e.dtype === 'float64' ? 1e-12 : BLAS.has(op) ? 1e-5 : 1e-6) * mag;
}

describe('op table ops equal PyTorch (values, gradients; method, function, in-place forms)', () => {
  test('every table op with a derived form has parity cases', () => {
    const covered = new Set(cases.map((c) => c.op));
    const missing = Object.entries(OPS as Record<string, OpSpec>).filter(([n, s]) => (s.forms ?? []).length > 0 && !covered.has(n)).map(([n]) => n);
    expect(missing).toEqual([]);
  });

  test.each(cases.map((c) => [`${c.op} ${c.tag}`, c] as const))('%s', (_n, c) =>
    torch.scope(() => {
      const xs = c.inputs.map((e) => decode(e));
      // Inputs without a PyTorch gradient stay constants (a loss's class weights: ATen has no derivative).
      if (c.grads) xs.forEach((x, i) => x.isFloatingPoint && c.grads?.[i] !== null && x.requiresGrad_());
      const outs = outputsOf(run(c, xs));
      expect(outs.length).toBe(c.outputs.length);
      outs.forEach((o, i) => {
        expect(o.dtype).toBe(c.outputs[i].dtype);
        expect(o.shape).toEqual(c.outputs[i].shape);
        if (!c.shapeOnly) expect(maxAbsDiff(o, c.outputs[i])).toBeLessThanOrEqual(tol(c.outputs[i], c.op));
      });
      // The free function gives the same values as the method.
      if (!c.free && !c.shapeOnly && forms(c.op).includes('method') && forms(c.op).includes('function')) {
        const again = outputsOf(run(c, xs, 'function'));
        again.forEach((o, i) => expect(maxAbsDiff(o, outs[i])).toBe(0));
      }
      const out = outs[0];
      if (c.grads && out.numel() > 0) {
        const n = out.numel();
        const w = torch.fromTypedArray(Float64Array.from({ length: n }, (_, i) => (n === 1 ? -1 : -1 + (2 * i) / (n - 1))), out.shape).to(out.dtype);
        out.mul(w).sum().backward();
        c.grads.forEach((g, i) => {
          if (g === null) return;
          expect(maxAbsDiff(xs[i].grad!, g)).toBeLessThanOrEqual(Math.max(tol(g, c.op), c.outputs[0].dtype === 'float64' ? 1e-12 : 1e-6));
        });
      }
      // The in-place form, where the op has one and the result keeps self's dtype and shape.
      const sameShape = !c.free && c.outputs[0].shape.join() === c.inputs[0].shape.join();
      if (!c.free && forms(c.op).includes('inplace') && c.outputs[0].dtype === c.inputs[0].dtype && sameShape) {
        const y = decode(c.inputs[0]);
        const ys = [y, ...xs.slice(1).map((x) => x.detach())];
        const r = (y as unknown as Record<string, Fn>)[`${c.op}_`](...callArgs(c, ys));
        expect(r).toBe(y);
        expect(maxAbsDiff(y, c.outputs[0])).toBeLessThanOrEqual(tol(c.outputs[0], c.op));
      }
    }));

  // Differentiable ops: the float64 cases, checked against finite differences.
  const differentiable = cases.filter((c) => c.grads && c.gradcheck !== false && c.inputs[0].dtype === 'float64');
  test.each(differentiable.map((c) => [`${c.op} ${c.tag}`, c] as const))('gradcheck %s', (_n, c) =>
    torch.scope(() => {
      const xs = c.inputs.map((e) => decode(e));
      const f = (...ys: Tensor[]): Tensor => outputsOf(run(c, ys))[0];
      expect(gradcheck(f, xs).maxError).toBeLessThan(1e-6);
    }));
});
