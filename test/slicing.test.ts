// Tensor.slice's bad indices: each a clear error naming the index (the values are checked against
// PyTorch's x[...] in test/op-table.parity.test.ts, cases 'slice').
import * as torch from '../lib';

describe('Tensor.slice rejects what Python rejects', () => {
  test.each([
    ['::-1', RangeError, /step must be greater than zero/],
    ['..., 1, ...', TypeError, /single ellipsis/],
    ['1, 2, 3, 4', RangeError, /too many indices for a tensor of dimension 3/],
    [':, a', TypeError, /'a' is not an integer/],
    ['1:2:3:4', TypeError, /more than two colons/],
    [', 1', TypeError, /empty index part/],
    ['5', RangeError, /index 5 out of range for tensor of size \[2, 3, 4\] at dimension 0/],
  ])('%s', (index, cls, msg) =>
    torch.scope(() => {
      const x = torch.zeros([2, 3, 4]);
      // Native errors come from Node's realm, not jest's: compare the class by name.
      let e: Error | undefined;
      try {
        x.slice(index);
      } catch (err) {
        e = err as Error;
      }
      expect(e?.name).toBe(cls.name);
      expect(e?.message).toMatch(msg);
    }));
  test('a non-string index is a TypeError', () =>
    torch.scope(() => expect(() => torch.zeros([2]).slice(1 as unknown as string)).toThrow(/index must be a string/)));
  test('the result is a view: writes reach the original', () =>
    torch.scope(() => {
      const x = torch.zeros([2, 3]);
      x.slice(':, 1').fill_(5);
      expect(x.sum().item()).toBe(10);
    }));
});
