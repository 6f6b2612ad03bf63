// Values outside what a dtype, a density, a sampler or an optimizer can take are refused with a clear
// error (or, where PyTorch gives NaN, give NaN), never turned silently into a wrong number.
import * as torch from '../lib';

const { tensor, fromTypedArray, full, scalarTensor } = torch;

describe('integer dtypes refuse values they cannot hold, as PyTorch does', () => {
  test.each([
    [1e20, 'int64'],
    [2 ** 63, 'int64'],
    [-(2 ** 63) - 1e5, 'int64'],
    [300, 'uint8'],
    [256, 'uint8'],
    [-256, 'uint8'],
    [-1.5, 'uint8'],
    [128, 'int8'],
    [-129, 'int8'],
    [2 ** 31, 'int32'],
    [40000, 'int16'],
    [NaN, 'int64'],
    [Infinity, 'int32'],
  ] as const)('tensor([%p], { dtype: %p }) is a RangeError', (v, dtype) => {
    expect(() => tensor([v], { dtype })).toThrow(RangeError);
    expect(() => tensor([v], { dtype })).toThrow(/cannot be converted to \w+ without overflow/);
    expect(() => full([2], v, { dtype })).toThrow(RangeError); // NaN too: it fills floats, as torch.full
    expect(() => scalarTensor(v, { dtype })).toThrow(RangeError);
    expect(() => fromTypedArray(Float64Array.of(v), [1], { dtype })).toThrow(RangeError);
  });
  test('fromTypedArray checks a narrowing conversion whatever the array type', () => {
    expect(() => fromTypedArray(Int32Array.of(0, 300), [2], { dtype: 'int8' })).toThrow(/value 300 \(element 1\) cannot be converted to int8/);
    expect(() => fromTypedArray(Uint8Array.of(200), [1], { dtype: 'int8' })).toThrow(RangeError);
    expect(() => fromTypedArray(BigInt64Array.of(2n ** 40n), [1], { dtype: 'int32' })).toThrow(RangeError);
    expect(() => fromTypedArray(Int32Array.of(-1, 255), [2], { dtype: 'uint8' })).toThrow(/value -1 \(element 0\) cannot be converted to uint8/);
    expect(fromTypedArray(Uint8Array.of(255)).item()).toBe(255);
  });
  test('values in range still convert as PyTorch converts them', () => {
    expect(Array.from(tensor([255, -1, 1.9, 0], { dtype: 'uint8' }).data())).toEqual([255, 255, 1, 0]);
    expect(Array.from(tensor([-128, 127, -2.7], { dtype: 'int8' }).data())).toEqual([-128, 127, -2]);
    expect(tensor([-(2 ** 63)], { dtype: 'int64' }).data()[0]).toBe(-(2n ** 63n));
    expect(tensor([70000], { dtype: 'float16' }).item()).toBe(Infinity); // floats overflow to inf, as PyTorch
  });
  test('item() of an int64 beyond 2^53 refuses rather than round; data() is exact', () => {
    const big = fromTypedArray(BigInt64Array.of(2n ** 62n + 1n));
    expect(() => big.item()).toThrow(RangeError);
    expect(() => big.item()).toThrow(/4611686018427387905/);
    expect(big.data()[0]).toBe(2n ** 62n + 1n);
    expect(fromTypedArray(BigInt64Array.of(2n ** 53n - 1n)).item()).toBe(2 ** 53 - 1);
    expect(fromTypedArray(BigInt64Array.of(-(2n ** 53n) + 1n)).item()).toBe(-(2 ** 53) + 1);
  });
  test('integral numbers up to 2^63 act as Python ints in ops (int64 stays int64 and exact); beyond, as floats', () =>
    torch.scope(() => {
      const one = tensor([1], { dtype: 'int64' });
      // Was float32 (the number taken as a float above 2^53): 2^60 + 1 lost.
      expect(one.add(2 ** 60).dtype).toBe('int64');
      expect(one.add(2 ** 60).data()[0]).toBe(2n ** 60n + 1n);
      expect(one.mul(2 ** 53).data()[0]).toBe(2n ** 53n);
      expect(one.add(-(2 ** 63)).data()[0]).toBe(-(2n ** 63n) + 1n);
      expect(one.eq(2 ** 60).item()).toBe(false);
      expect(tensor([3], { dtype: 'int32' }).add(2 ** 53).dtype).toBe('int32'); // PyTorch: a wrapped int does not promote
      // 2^63 and up fit no int64: a float, as 1e20 is to a JS user (PyTorch raises on the Python int 2**63).
      expect(one.add(2 ** 63).dtype).toBe('float32');
      expect(tensor([1]).mul(1e20).item()).toBe(Math.fround(1e20));
    }));
  test('an integer argument past 2^53 is a RangeError that says why (it is an integer: not "must be an integer")', () => {
    expect(() => torch.randint(0, 2 ** 60, [3])).toThrow(/high must be within \+-\(2\^53 - 1\)/);
    expect(() => torch.manualSeed(2 ** 60)).toThrow(RangeError);
    expect(() => torch.zeros([2 ** 53])).toThrow(RangeError);
  });
});

describe('densities refuse values outside their support', () => {
  const logits = tensor([0, 0, 0]);
  test.each([[[0.5, 0.5, 0]], [[2, 0, 0]], [[0, 0, 0]], [[1, 1, 0]], [[NaN, 1, 0]], [[1, -0.5, 0.5]]])('OneHotCategorical.logProb(%p)', (v) => {
    const d = new torch.distributions.OneHotCategorical({ logits });
    expect(() => d.logProb(tensor(v))).toThrow(RangeError);
  });
  test('OneHotCategorical.logProb of one-hot values (float, int64 and bool) is log(1/3)', () => {
    const d = new torch.distributions.OneHotCategorical({ logits });
    for (const v of [tensor([0, 1, 0]), tensor([0, 0, 1], { dtype: 'int64' }), tensor([true, false, false])]) expect(d.logProb(v).item()).toBeCloseTo(Math.log(1 / 3), 6);
  });
  test.each([[0.5], [2], [-1], [NaN]])('Bernoulli.logProb(%p)', (v) => {
    const d = new torch.distributions.Bernoulli({ probs: tensor([0.3]) });
    expect(() => d.logProb(tensor([v]))).toThrow(RangeError);
  });
  test('Bernoulli.logProb of 0 and 1', () => {
    const d = new torch.distributions.Bernoulli({ probs: tensor([0.25, 0.25]) });
    const lp = Array.from(d.logProb(tensor([0, 1])).data() as Float32Array);
    expect(lp[0]).toBeCloseTo(Math.log(0.75), 6);
    expect(lp[1]).toBeCloseTo(Math.log(0.25), 6);
  });
  test('ExpRelaxedCategorical.logProb refuses NaN', () => {
    expect(() => torch.logProb.expRelaxedCategorical(logits, 1, tensor([NaN, 0, 0]))).toThrow(RangeError);
  });
});

describe('samplers', () => {
  test('gumbelFromUniform refuses a negative eps and uniforms outside [0, 1]', () => {
    expect(() => torch.gumbelFromUniform(tensor([0.5]), { formula: 'seed', eps: -1 })).toThrow(RangeError);
    for (const u of [1.5, -0.1, NaN]) expect(() => torch.gumbelFromUniform(tensor([u]))).toThrow(/uniforms must lie in \[0, 1\]/);
    expect(Number.isFinite(torch.gumbelFromUniform(tensor([0, 1, 0.5])).data()[2])).toBe(true);
  });
  test("oneHotCategorical({ method: 'multinomial' }) gives NaN rows for NaN or all -inf rows, as gumbel-max does", () => {
    torch.manualSeed(0);
    const l = tensor([
      [0, 0, 0],
      [NaN, 0, 0],
      [-Infinity, -Infinity, -Infinity],
      [0, -Infinity, 5],
    ]);
    for (const method of ['multinomial', 'gumbel-max'] as const) {
      const y = torch.oneHotCategorical(l, { method }).toArray() as number[][];
      expect(y[1].every(Number.isNaN)).toBe(true);
      expect(y[2].every(Number.isNaN)).toBe(true);
      for (const r of [y[0], y[3]]) expect(r.reduce((a, b) => a + b)).toBe(1);
      expect(y[3][1]).toBe(0);
    }
  });
});

describe('Adam.step() after a parameter was disposed', () => {
  test('is a clear error, not a silent no-op', () => {
    const w = torch.randn([3]).requiresGrad_();
    const b = torch.randn([3]).requiresGrad_();
    const opt = new torch.optim.Adam([w, b]);
    w.mul(b).sum().backward();
    opt.step();
    b.dispose();
    expect(() => opt.step()).toThrow(/params\[1\] has been disposed/);
    w.dispose();
  });
});
