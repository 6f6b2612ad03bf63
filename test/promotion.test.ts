// Type promotion with number operands follows PyTorch's wrapped-number rules in every binary op
// (fixture: scripts/make_fixtures.py promotion, real PyTorch): int64 + 1.5 is float32, uint8 + 300
// stays uint8 (wrapping), where(c, int64, 0) is int64, int ** -3 is an error.
import * as torch from '../lib';
import { fixture } from './helpers';

type S = number | boolean;
interface PCase { dtype: torch.DType | null; op: string; scalar: S | [S, S]; input?: S[]; out?: { dtype: torch.DType; values: (S | string)[] }; error?: string }

const cond = (): torch.Tensor => torch.tensor([true, false, true]);
const table: Record<string, (t: torch.Tensor, s: S) => torch.Tensor> = {
  add: (t, s) => t.add(s),
  sub: (t, s) => t.sub(s),
  mul: (t, s) => t.mul(s),
  div: (t, s) => t.div(s),
  rsub: (t, s) => t.rsub(s),
  pow: (t, s) => t.pow(s),
  eq: (t, s) => t.eq(s),
  lt: (t, s) => t.lt(s),
  ge: (t, s) => t.ge(s),
  whereOther: (t, s) => torch.where(cond(), t, s),
  whereInput: (t, s) => torch.where(cond(), s, t),
  add_: (t, s) => t.add_(s),
  mul_: (t, s) => t.mul_(s),
};

const { cases } = fixture<{ cases: PCase[] }>('promotion.json');

function expectValues(out: torch.Tensor, want: (S | string)[]): void {
  const got = Array.from(out.data() as ArrayLike<number | bigint>, (v) => (out.dtype === 'bool' ? v !== 0 : Number(v)));
  const exp = want.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
  expect(got.length).toBe(exp.length);
  got.forEach((g, i) => {
    const e = exp[i];
    if (typeof e === 'boolean' || typeof g === 'boolean' || !Number.isFinite(e) || Number.isInteger(e)) expect(g).toEqual(e);
    else expect(Math.abs((g as number) - e)).toBeLessThanOrEqual(1e-6 * Math.abs(e));
  });
}

test('the fixture covers every op and dtype', () => {
  expect(new Set(cases.map((c) => c.op))).toEqual(new Set([...Object.keys(table), 'whereNumbers']));
  expect(cases.length).toBeGreaterThan(700);
});

test.each(cases.filter((c) => c.op !== 'whereNumbers').map((c) => [`${c.dtype} ${c.op} ${String(c.scalar)}`, c] as const))('%s', (_n, c) =>
  torch.scope(() => {
    const t = torch.tensor(c.input as number[], { dtype: c.dtype! });
    const run = (): torch.Tensor => table[c.op](t, c.scalar as S);
    if (c.error !== undefined) {
      expect(run).toThrow();
      return;
    }
    const out = run();
    expect(out.dtype).toBe(c.out!.dtype);
    expectValues(out, c.out!.values);
  }),
);

test('where with two numbers', () =>
  torch.scope(() => {
    for (const c of cases.filter((x) => x.op === 'whereNumbers')) {
      const [a, b] = c.scalar as [S, S];
      const out = torch.where(cond(), a, b);
      expect(out.dtype).toBe(c.out!.dtype);
      expectValues(out, c.out!.values);
    }
  }));
