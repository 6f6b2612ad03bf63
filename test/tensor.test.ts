import * as util from 'node:util';
import * as torch from '../lib';

describe('creation, dtypes and data', () => {
  test('factories give the asked shape, dtype and values', () =>
    torch.scope(() => {
      expect(torch.zeros([2, 3]).shape).toEqual([2, 3]);
      expect(Array.from(torch.ones([3], { dtype: 'int32' }).data(), Number)).toEqual([1, 1, 1]);
      expect(Array.from(torch.full([2], 7.5, { dtype: 'float64' }).data(), Number)).toEqual([7.5, 7.5]);
      expect(torch.arange(5).dtype).toBe('int64');
      expect(torch.arange(0, 1, 0.25).dtype).toBe('float32');
      expect(torch.empty([4]).numel()).toBe(4);
      expect(Array.from(torch.randperm(6).data(), Number).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(torch.tensor([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
      expect(torch.tensor([true, false]).dtype).toBe('bool');
      expect(torch.tensor(3).shape).toEqual([]);
      expect(torch.tensor(3).item()).toBe(3);
      const r = torch.randint(3, 9, [1000]);
      expect(r.ge(3).all().item() && r.lt(9).all().item()).toBe(true);
    }));
  test.each(['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8', 'bool'] as const)('dtype %s round-trips', (dtype) =>
    torch.scope(() => {
      const t = torch.tensor([0, 1, 1, 0], { dtype });
      expect(t.dtype).toBe(dtype);
      expect(Array.from(t.data(), Number)).toEqual([0, 1, 1, 0]);
      expect(t.to('float64').dtype).toBe('float64');
    }));
  test('data() returns the matching TypedArray', () =>
    torch.scope(() => {
      expect(Object.prototype.toString.call(torch.zeros([1]).data())).toBe('[object Float32Array]');
      expect(Object.prototype.toString.call(torch.zeros([1], { dtype: 'float64' }).data())).toBe('[object Float64Array]');
      expect(Object.prototype.toString.call(torch.zeros([1], { dtype: 'int64' }).data())).toBe('[object BigInt64Array]');
      expect(Object.prototype.toString.call(torch.zeros([1], { dtype: 'int32' }).data())).toBe('[object Int32Array]');
      expect(Object.prototype.toString.call(torch.zeros([1], { dtype: 'uint8' }).data())).toBe('[object Uint8Array]');
      expect(torch.fromTypedArray(new Float64Array([1, 2, 3, 4]), [2, 2]).shape).toEqual([2, 2]);
    }));
  test('in-place ops return this and change values', () =>
    torch.scope(() => {
      const t = torch.ones([2]);
      expect(t.add_(2).mul_(3)).toBe(t);
      expect(Array.from(t.data(), Number)).toEqual([9, 9]);
    }));
});

describe('printing like PyTorch', () => {
  test('floats, ints, bools, scalars, empty and options', () =>
    torch.scope(() => {
      torch.manualSeed(0);
      expect(torch.rand([2, 3]).toString()).toBe('tensor([[0.4963, 0.7682, 0.0885],\n        [0.1320, 0.3074, 0.6341]])');
      expect(torch.arange(3).toString()).toBe('tensor([0, 1, 2])');
      expect(torch.tensor([1, 2]).toString()).toBe('tensor([1., 2.])');
      expect(torch.tensor([true, false]).toString()).toBe('tensor([ True, False])');
      expect(torch.tensor(2.5).toString()).toBe('tensor(2.5000)');
      expect(torch.zeros([0, 3]).toString()).toBe('tensor([], size=(0, 3))');
      expect(torch.zeros([2], { dtype: 'float64' }).toString()).toBe('tensor([0., 0.], dtype=torch.float64)');
      expect(torch.zeros([1]).requiresGrad_().toString()).toBe('tensor([0.], requires_grad=True)');
      expect(util.inspect(torch.ones([1]))).toBe('tensor([1.])');
      expect(torch.zeros([2000]).toString()).toContain('...');
    }));
});

describe('autograd', () => {
  test('backward, grad, noGrad, zeroGrad-like reset, custom gradient', () =>
    torch.scope(() => {
      const x = torch.tensor([1, 2, 3]).requiresGrad_();
      x.mul(x).sum().backward();
      expect(Array.from(x.grad!.data(), Number)).toEqual([2, 4, 6]);
      x.grad = undefined;
      expect(x.grad).toBeUndefined();
      const y = x.mul(2);
      y.backward(torch.tensor([1, 1, 1]));
      expect(Array.from(x.grad!.data(), Number)).toEqual([2, 2, 2]);
      const z = torch.noGrad(() => x.mul(2));
      expect(z.requiresGrad).toBe(false);
      expect(torch.isGradEnabled()).toBe(true);
      expect(x.isLeaf).toBe(true);
      expect(y.isLeaf).toBe(false);
    }));
});

describe('devices', () => {
  test('cuda reports availability; cpu work needs none', () => {
    expect(typeof torch.cuda.isAvailable()).toBe('boolean');
    expect(torch.cuda.deviceCount()).toBeGreaterThanOrEqual(0);
    expect(() => torch.cuda.synchronize()).not.toThrow();
    const d = torch.diagnostics();
    expect(d.torchVersion).toMatch(/^\d+\.\d+/);
    expect(d.blas).toBeTruthy();
  });
});
