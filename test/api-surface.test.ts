// What a PyTorch user reaches for: dim(), .T, t(), sizes as an array, free functions that equal the
// methods, and dtype-following results (the compile-time side is test/consumer/usage.ts).
import * as torch from '../lib';

const flat = (t: torch.Tensor): number[] => Array.from(t.data(), Number);
// Typed arrays made by the addon belong to another realm than jest's globals: compare by tag.
const kind = (a: object): string => Object.prototype.toString.call(a).slice(8, -1);

describe('shapes as PyTorch takes them', () => {
  test('view/reshape/permute/expand take numbers or one array, and reject both at once', () =>
    torch.scope(() => {
      const x = torch.arange(6, undefined, 1, { dtype: 'float32' });
      expect(x.view([2, 3]).shape).toEqual([2, 3]);
      expect(x.view(2, 3).shape).toEqual([2, 3]);
      expect(x.reshape([3, -1]).shape).toEqual([3, 2]);
      expect(x.view([2, 3]).permute([1, 0]).shape).toEqual([3, 2]);
      expect(torch.ones([1, 3]).expand([4, 3]).shape).toEqual([4, 3]);
      expect(() => (x.view as (...a: unknown[]) => torch.Tensor)([2, 3], 1)).toThrow(TypeError);
      expect(() => x.view(['2', 3] as unknown as number[])).toThrow(/shape\[0\] must be an integer/);
      expect(() => x.reshape([-1, -1])).toThrow(RangeError);
    }));
  test('dim() is the rank; .T reverses the dimensions; t() transposes up to 2-d', () =>
    torch.scope(() => {
      const m = torch.arange(6, undefined, 1, { dtype: 'float32' }).view([2, 3]);
      expect(m.dim()).toBe(2);
      expect(torch.tensor(1).dim()).toBe(0);
      expect(() => (m.dim as (d: number) => number)(1)).toThrow(/dim\(\) takes no arguments/);
      expect(m.T.shape).toEqual([3, 2]);
      expect(m.T.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
      expect(m.t().toArray()).toEqual(m.T.toArray());
      expect(torch.zeros([2, 3, 4]).T.shape).toEqual([4, 3, 2]);
      const v = torch.tensor([1, 2, 3]);
      expect(v.t().toArray()).toEqual([1, 2, 3]);
      expect(v.T.toArray()).toEqual([1, 2, 3]);
      expect(() => torch.zeros([2, 3, 4]).t()).toThrow(/t\(\) expects a tensor with <= 2 dimensions/);
    }));
  test('.T carries the gradient back', () =>
    torch.scope(() => {
      const a = torch.tensor([[1, 2], [3, 4]]).requiresGrad_();
      a.T.mul(torch.tensor([[1, 10], [100, 1000]])).sum().backward();
      expect(a.grad?.toArray()).toEqual([[1, 100], [10, 1000]]);
    }));
});

describe('free functions', () => {
  const unary = ['exp', 'log1p', 'sqrt', 'abs', 'neg', 'sigmoid', 'tanh', 'relu', 'isnan', 'isfinite', 'clone'] as const;
  test.each(unary)('torch.%s(x) equals the method', (name) =>
    torch.scope(() => {
      const x = torch.rand([5]).add(0.1);
      const free = (torch[name] as (t: torch.Tensor) => torch.Tensor)(x);
      const method = (x[name] as () => torch.Tensor).call(x);
      expect(free.dtype).toBe(method.dtype);
      expect(flat(free)).toEqual(flat(method));
    }));
  test('reductions, arithmetic, comparisons and shape functions match the methods', () =>
    torch.scope(() => {
      const x = torch.rand([3, 4]);
      expect(flat(torch.log(x))).toEqual(flat(x.log()));
      expect(flat(torch.sum(x, 1))).toEqual(flat(x.sum(1)));
      expect(torch.sum(x, 1, true).shape).toEqual([3, 1]);
      expect(torch.sum(torch.ones([3], { dtype: 'int32' }), undefined, false, { dtype: 'float64' }).dtype).toBe('float64');
      expect(torch.mean(x).item()).toBeCloseTo(x.mean().item(), 6);
      expect(flat(torch.logsumexp(x, -1))).toEqual(flat(x.logsumexp(-1)));
      expect(torch.max(x).item()).toBe(x.max().item());
      const { values, indices } = torch.min(x, 0);
      expect(flat(values)).toEqual(flat(x.min(0).values));
      expect(indices.dtype).toBe('int64');
      expect(flat(torch.argmax(x, 1))).toEqual(flat(x.argmax(1)));
      expect(flat(torch.add(x, 2, 3))).toEqual(flat(x.add(2, 3)));
      expect(flat(torch.sub(x, x))).toEqual([...Array(12)].map(() => 0));
      expect(flat(torch.mul(x, 2))).toEqual(flat(x.mul(2)));
      expect(flat(torch.div(x, 2))).toEqual(flat(x.div(2)));
      expect(flat(torch.pow(x, 2))).toEqual(flat(x.pow(2)));
      expect(flat(torch.clamp(x, 0.2, 0.8))).toEqual(flat(x.clamp(0.2, 0.8)));
      expect(flat(torch.gt(x, 0.5))).toEqual(flat(x.gt(0.5)));
      expect(torch.eq(x, x).all().item()).toBe(true);
      expect(torch.any(torch.lt(x, 0)).item()).toBe(false);
      expect(torch.all(torch.ge(x, 0)).item()).toBe(true);
      expect(torch.numel(x)).toBe(12);
      expect(torch.reshape(x, [4, 3]).shape).toEqual([4, 3]);
      expect(torch.flatten(x).shape).toEqual([12]);
      expect(torch.transpose(x, 0, 1).shape).toEqual([4, 3]);
      expect(torch.permute(x, [1, 0]).shape).toEqual([4, 3]);
      expect(torch.t(x).shape).toEqual([4, 3]);
      expect(torch.unsqueeze(x, 0).shape).toEqual([1, 3, 4]);
      expect(torch.squeeze(torch.unsqueeze(x, 0)).shape).toEqual([3, 4]);
      expect(torch.narrow(x, 1, 1, 2).shape).toEqual([3, 2]);
      expect(torch.select(x, 0, 1).shape).toEqual([4]);
      expect(torch.indexSelect(x, 0, torch.tensor([2, 0], { dtype: 'int64' })).shape).toEqual([2, 4]);
      expect(torch.gather(x, 1, torch.zeros([3, 1], { dtype: 'int64' })).shape).toEqual([3, 1]);
      expect(flat(torch.softmax(x, 1))).toEqual(flat(x.softmax(1)));
      expect(flat(torch.logSoftmax(x, 1))).toEqual(flat(x.logSoftmax(1)));
    }));
  test('a free function names its bad input', () => {
    expect(() => torch.exp(3 as unknown as torch.Tensor)).toThrow(/input must be a Tensor/);
    const t = torch.ones([2]);
    t.dispose();
    expect(() => torch.sum(t)).toThrow(/input has been disposed/);
  });
});

describe('results follow the dtype at run time as the types say', () => {
  test('item() and data() kinds', () =>
    torch.scope(() => {
      const x = torch.randn([4]);
      expect(typeof x.sum().item()).toBe('number');
      expect(typeof x.gt(0).any().item()).toBe('boolean');
      expect(kind(x.argmax().data())).toBe('BigInt64Array');
      expect(kind(x.double().data())).toBe('Float64Array');
      expect(torch.tensor([1, 2], { dtype: 'int32' }).div(2).dtype).toBe('float32');
      expect(torch.full([2], true).dtype).toBe('bool');
      expect(torch.scalarTensor(false).dtype).toBe('float32');
      expect(torch.full([2], true, { dtype: 'int32' }).dtype).toBe('int32');
      expect(torch.ones([2], { dtype: 'int32' }).sum().dtype).toBe('int64');
      expect(torch.ones([2], { dtype: 'int32' }).exp().dtype).toBe('float32');
      expect(torch.fromTypedArray(new Int16Array([1])).dtype).toBe('int16');
    }));

  test("full takes NaN as torch.full(shape, float('nan')): filled floats, a RangeError for integers", () =>
    torch.scope(() => {
      expect(torch.full([2], NaN).toArray()).toEqual([NaN, NaN]);
      expect(torch.full([1], NaN, { dtype: 'float64' }).isnan().item()).toBe(true);
      expect(() => torch.full([1], NaN, { dtype: 'int64' })).toThrow(RangeError);
      expect(() => torch.full([1], 'x' as unknown as number)).toThrow(TypeError);
    }));
});
