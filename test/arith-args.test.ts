// The hand-written arithmetic methods and functions take PyTorch's arguments and refuse the rest
// (x.div(2, 'floor') used to divide truly, the 'floor' ignored); div's roundingMode matches PyTorch;
// integer division of a type's minimum by -1 gives ATen's wrapped results instead of killing the
// process with SIGFPE (it does in PyTorch 1.13 on x86).
import * as torch from '../lib';

const loose = torch as unknown as Record<string, (...a: unknown[]) => torch.Tensor>;
const looseMethod = (x: torch.Tensor, name: string, ...a: unknown[]): unknown => (x as unknown as Record<string, (...b: unknown[]) => unknown>)[name](...a);

test('extra positional arguments are TypeErrors, in methods, in-place forms and functions', () =>
  torch.scope(() => {
    const x = torch.tensor([7, -7]);
    for (const [name, args] of [['add', [1, 2, 3]], ['sub', [1, 2, 3]], ['mul', [2, 3]], ['div', [2, {}, 3]], ['pow', [2, 3]], ['rsub', [1, 2]], ['add_', [1, 2, 3]], ['sub_', [1, 2, 3]], ['mul_', [2, 3]], ['div_', [2, {}, 3]]] as const)
      expect(() => looseMethod(x.clone(), name, ...args)).toThrow(new RegExp(`^${name}: expected at most \\d arguments?, got \\d`));
    for (const [name, args] of [['add', [1, 2, 3]], ['mul', [2, 3]], ['div', [2, {}, 3]], ['pow', [2, 3]]] as const) expect(() => loose[name](x, ...args)).toThrow(TypeError);
    // PyTorch's positional rounding mode is keyword-only there too; here an options object.
    expect(() => looseMethod(x, 'div', 2, 'floor')).toThrow(/div options must be an options object, got string 'floor'/);
    expect(() => x.div(2, { roundingMode: 'round' as 'floor' })).toThrow(/roundingMode must be 'trunc', 'floor' or null/);
  }));

test("div's roundingMode as PyTorch's rounding_mode: floats and integers, method, function and in place", () =>
  torch.scope(() => {
    const f = torch.tensor([7, -7, 7.5, -0.5]);
    expect(f.div(2).toArray()).toEqual([3.5, -3.5, 3.75, -0.25]);
    expect(f.div(2, { roundingMode: null }).toArray()).toEqual([3.5, -3.5, 3.75, -0.25]);
    expect(f.div(2, { roundingMode: 'trunc' }).toArray()).toEqual([3, -3, 3, -0]);
    expect(torch.div(f, 2, { roundingMode: 'floor' }).toArray()).toEqual([3, -4, 3, -1]);
    const i = torch.tensor([7, -7], { dtype: 'int64' });
    expect(i.div(2).dtype).toBe('float32');
    const floored = i.div(torch.tensor([2, 2], { dtype: 'int64' }), { roundingMode: 'floor' });
    expect([floored.dtype, floored.toArray()]).toEqual(['int64', [3, -4]]);
    expect(i.clone().div_(2, { roundingMode: 'trunc' }).toArray()).toEqual([3, -3]);
  }));

test("integer minimum / -1: no SIGFPE; quotient wraps, fmod and remainder are 0; unsigned and float untouched", () =>
  torch.scope(() => {
    const min64 = torch.fromTypedArray(BigInt64Array.of(-(2n ** 63n), 5n));
    expect(Array.from(min64.remainder(-1).data() as BigInt64Array)).toEqual([0n, 0n]);
    expect(Array.from(min64.fmod(torch.tensor([-1, 2], { dtype: 'int64' })).data() as BigInt64Array)).toEqual([0n, 1n]);
    expect(Array.from(min64.div(-1, { roundingMode: 'trunc' }).data() as BigInt64Array)).toEqual([-(2n ** 63n), -5n]);
    expect(Array.from(min64.div(-1, { roundingMode: 'floor' }).data() as BigInt64Array)).toEqual([-(2n ** 63n), -5n]);
    const min32 = torch.tensor([-(2 ** 31), 9], { dtype: 'int32' });
    expect(min32.clone().fmod_(-1).toArray()).toEqual([0, 0]);
    expect(min32.clone().remainder_(-1).toArray()).toEqual([0, 0]);
    expect(min32.clone().div_(-1, { roundingMode: 'floor' }).toArray()).toEqual([-(2 ** 31), -9]);
    expect(torch.tensor([-128], { dtype: 'int8' }).div(-1, { roundingMode: 'trunc' }).toArray()).toEqual([-128]);
    // -1 is 255 for uint8: an ordinary division (PyTorch: 5 % 255 = 5).
    expect(torch.tensor([5], { dtype: 'uint8' }).remainder(-1).toArray()).toEqual([5]);
    expect(torch.tensor([5.5]).fmod(-1).toArray()).toEqual([0.5]);
    expect(torch.tensor([-7], { dtype: 'int64' }).remainder(3).toArray()).toEqual([2]);
  }));
