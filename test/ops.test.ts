// Every op against real PyTorch: forward values and gradients of sum(out * w), float32 within 1e-6.
// Ops through BLAS round differently per CPU: they are compared with PyTorch run live on this machine
// (exactly) when its Python has torch, else with the committed fixture at a bound that holds on any
// CPU (1e-5).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../lib';
import { type Tensor } from '../lib';
import { decode, type Enc, fixture, livePyTorch, maxAbsDiff, runLiveReference } from './helpers';
import { describeDevices, deviceTol } from './devices';

interface OpCase { op: string; params: Record<string, unknown>; inputs: Enc[]; outputs: Enc[]; grads?: (Enc | null)[] }

const F = torch;
const table: Record<string, (...x: Tensor[]) => Tensor | Tensor[]> = {
  add: (x, y) => x.add(y, 2),
  sub: (x, y) => x.sub(y),
  mul: (x, y) => x.mul(y),
  div: (x, y) => x.div(y),
  pow: (x, y) => x.pow(y),
  powScalar: (x) => x.pow(3),
  addScalar: (x) => x.add(2.5),
  mulScalar: (x) => x.mul(-1.5),
  neg: (x) => x.neg(),
  matmul: (x, y) => x.matmul(y),
  addmm: (i, x, y) => F.addmm(i, x, y, { beta: 0.5, alpha: 2 }),
  linear: (x, w, b) => F.linear(x, w, b),
  exp: (x) => x.exp(),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
  abs: (x) => x.abs(),
  log: (x) => x.log(),
  log1p: (x) => x.log1p(),
  sqrt: (x) => x.sqrt(),
  clamp: (x) => x.clamp(-0.5, 0.7),
  softmax: (x) => x.softmax(0),
  logSoftmax: (x) => x.logSoftmax(-1),
  sumAll: (x) => x.sum(),
  sumDim: (x) => x.sum(1, true),
  meanDim: (x) => x.mean(0),
  maxDim: (x) => {
    const { values, indices } = x.max(1);
    return [values, indices];
  },
  argmax: (x) => x.argmax(1),
  bceMean: (x, t) => F.binaryCrossEntropy(x, t),
  bceSum: (x, t) => F.binaryCrossEntropy(x, t, { reduction: 'sum' }),
  bceNone: (x, t) => F.binaryCrossEntropy(x, t, { reduction: 'none' }),
  where: (c, x, y) => F.where(c, x, y),
  cat: (x, y) => F.cat([x, y], 1),
  stack: (x, y) => F.stack([x, y], 0),
  gather: (x, i) => x.gather(1, i),
  indexSelect: (x, i) => x.indexSelect(1, i),
  narrow: (x) => x.narrow(1, 1, 2),
  transpose: (x) => x.transpose(0, 1).contiguous().view(-1),
  permute: (x) => x.permute(2, 0, 1),
  oneHot: (i) => F.oneHot(i, 5),
  scatter: (x, i) => x.scatter(1, i, 1.0),
  comparisons: (x, y) => [x.lt(y), x.ge(y), x.eq(x), x.ne(y)],
  float64Chain: (x) => x.exp().add(1).log().softmax(-1),
};

const BLAS = new Set(['matmul', 'addmm', 'linear']);
const liveCases = livePyTorch.version === undefined ? undefined
  : (JSON.parse(fs.readFileSync(path.join(runLiveReference('make_fixtures.py', ['--out', '$OUT', 'ops']), 'ops.json'), 'utf8')) as { cases: OpCase[] }).cases;
if (!liveCases) process.stderr.write(`ops.test: no live PyTorch (${livePyTorch.reason}); BLAS ops compared with the committed fixture at 1e-5\n`);

describeDevices('ops equal PyTorch (forward and gradient)', (device) => {
  const committed = fixture<{ cases: OpCase[] }>('ops.json').cases;
  // The live references are this CPU's: bit-exact there. A GPU is held to the portable bounds.
  const live = device === 'cpu' ? liveCases : undefined;
  const cases = committed.map((c) => (BLAS.has(c.op) && live ? live.find((l) => l.op === c.op)! : c));
  const tolOf = (op: string): number => deviceTol(device, !BLAS.has(op) ? 1e-6 : live ? 0 : 1e-5);
  // Gradients use w = linspace(-1, 1) built here with other rounding than PyTorch's: 1e-6 at best.
  const gradTolOf = (op: string): number => Math.max(1e-6, tolOf(op));
  test('every fixture op has an implementation', () => {
    expect(cases.map((c) => c.op).filter((n) => !(n in table))).toEqual([]);
  });
  test.each(cases.map((c) => [c.op, c] as const))('%s', (_name, c) =>
    torch.scope(() => {
      const inputs = c.inputs.map((e) => {
        const t = decode(e, device);
        if (c.grads && t.isFloatingPoint) t.requiresGrad = true;
        return t;
      });
      const out = table[c.op](...inputs);
      const outs = Array.isArray(out) ? out : [out];
      expect(outs.length).toBe(c.outputs.length);
      outs.forEach((o, i) => {
        expect(o.dtype).toBe(c.outputs[i].dtype);
        expect(maxAbsDiff(o.cpu(), c.outputs[i])).toBeLessThanOrEqual(tolOf(c.op));
      });
      if (c.grads) {
        const o = outs[0];
        const n = o.numel();
        const w = (n === 1 ? torch.tensor([-1], { dtype: o.dtype }).reshape() : torch.arange(0, n, 1, { dtype: 'float64' }).mul(2 / (n - 1)).sub(1).to(o.dtype).reshape(...o.shape)).to(device);
        o.mul(w).sum().backward();
        c.grads.forEach((g, i) => {
          if (g === null) return;
          expect(maxAbsDiff(inputs[i].grad!.cpu(), g)).toBeLessThanOrEqual(gradTolOf(c.op));
        });
      }
    }),
  );
});
