// What save() cannot write faithfully is an error, and what load() reads follows Python where the
// two could differ (keys that Python holds equal, BUILD's targets, frame lengths).
import * as torch from '../lib';
import { writeZip } from '../lib/serialize/zip';

const file = (pkl: Buffer): Buffer => Buffer.concat(writeZip([{ name: 'a/data.pkl', data: pkl }]));
const P = (...parts: (number[] | string)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const str = (s: string): number[] => [0x58, s.length, 0, 0, 0, ...Buffer.from(s, 'latin1')];

describe('save() refuses what a Python dict or list cannot hold (no silent drops)', () => {
  test.each([
    ['a lone surrogate in an object key', { ['a\ud800']: 1 }, /key of obj\["a\\ud800"\] is a string with a lone UTF-16 surrogate/],
    ['a lone surrogate in a Map key', new Map([['\udc00', 1]]), /lone UTF-16 surrogate/],
    ['a symbol key', { [Symbol('s')]: 1, a: 2 }, /obj has symbol keys/],
    ['a property on an array', Object.assign([1, 2], { extra: 3 }), /array with a property 'extra'/],
    ['a nested one', { m: { list: Object.assign([1], { '-1': 0 }) } }, /obj\.m\.list is an array with a property '-1'/],
  ] as [string, unknown, RegExp][])('%s', (_n, v, re) => {
    expect(() => torch.serialize(v as torch.Saveable)).toThrow(TypeError);
    expect(() => torch.serialize(v as torch.Saveable)).toThrow(re);
  });
  test('a sparse array is refused at once, before any element (a hostile length would write billions)', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => torch.serialize([1, , 3])).toThrow(/obj is a sparse array \(1 of its 3 elements are holes\)/);
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1;
    expect(() => torch.serialize({ huge } as torch.Saveable)).toThrow(/obj\.huge is a sparse array/);
    expect(torch.deserialize(torch.serialize([1, undefined, 3]))).toEqual([1, null, 3]); // undefined is None
  });
});

describe('load() keys as Python keys them', () => {
  // {True: 1, 1: 2} in Python is {True: 2}: True == 1, the first key stays, the last value wins.
  const dictOf = (...items: number[][]): Buffer => file(P([0x80, 2, 0x7d, 0x28], ...items, [0x75, 0x2e]));
  test('True then 1 is one key, holding the last value', () => {
    expect(torch.deserialize(dictOf([0x88, 0x4b, 1], [0x4b, 1, 0x4b, 2]))).toEqual({ true: 2 });
  });
  test('1 then 1.0 then True is one key', () => {
    const f1 = [0x47, ...Buffer.from([0x3f, 0xf0, 0, 0, 0, 0, 0, 0])];
    expect(torch.deserialize(dictOf([0x4b, 1, 0x4b, 7], [...f1, 0x4b, 8], [0x88, 0x4b, 9]))).toEqual({ 1: 9 });
  });
  test('False and 0 are one key; the str key "1" and the int key 1 still collide with an error', () => {
    expect(torch.deserialize(dictOf([0x89, 0x4b, 1], [0x4b, 0, 0x4b, 2]))).toEqual({ false: 2 });
    expect(() => torch.deserialize(dictOf([...str('1'), 0x4b, 1], [0x4b, 1, 0x4b, 2]))).toThrow(/keys named 1 of two types/);
  });
});

describe('load() strictness (README: what it accepts beyond PyTorch 1.13 weights_only, and why)', () => {
  test('BUILD on a plain dict is refused (only an OrderedDict takes state, as in PyTorch)', () => {
    expect(() => torch.deserialize(file(P([0x80, 2, 0x7d, 0x7d, 0x62, 0x2e])))).toThrow(/BUILD with a dict on a dict is not allowed/);
    // An OrderedDict with a state (a state_dict's _metadata) still loads.
    expect(torch.deserialize(file(P([0x80, 2], 'ccollections\nOrderedDict\n', [0x29, 0x52, 0x7d, 0x62, 0x2e])))).toEqual({});
  });
  test('a FRAME longer than the rest of the pickle is refused', () => {
    const frame = (n: number): number[] => [0x95, n, 0, 0, 0, 0, 0, 0, 0];
    expect(() => torch.deserialize(file(P([0x80, 4], frame(200), [0x4b, 1, 0x2e])))).toThrow(/FRAME of 200 bytes .* runs past the end/);
    expect(torch.deserialize(file(P([0x80, 4], frame(3), [0x4b, 1, 0x2e])))).toBe(1);
  });
  test("protocol 5's out-of-band buffers are refused; its plain-data opcodes load", () => {
    for (const op of [0x96, 0x97, 0x98]) expect(() => torch.deserialize(file(P([0x80, 5, op, 0x2e])))).toThrow(/is not allowed/);
    expect(torch.deserialize(file(P([0x80, 5, 0x8c, 2], 'hi', [0x94, 0x2e])))).toBe('hi');
  });
});
