// torch.load / torch.save against real PyTorch files (fixtures from scripts/serialize_pytorch.py, and
// the same script run live where /usr/bin/python3 has torch), Adam's state both ways, safetensors,
// and the files and values that must give a clean error.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { writeZip } from '../lib/serialize/zip';

const PY = '/usr/bin/python3';
const hasPyTorch = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const describePy = hasPyTorch ? describe : (n: string, f: () => void) => describe.skip(`${n} [skipped: no ${PY} with torch; apt-get install python3-torch]`, f);
const SCRIPT = path.join(__dirname, '..', 'scripts', 'serialize_pytorch.py');
const FIX = path.join(__dirname, 'fixtures', 'serialize');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-serialize-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Desc = { dtype: string; shape: number[]; values: number[] };
type Obj = Record<string, unknown>;
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as {
  dtypes: Record<string, Desc>;
  containers: { param: Desc };
  adam_after_step: Record<string, Desc>;
};
const values = (t: torch.Tensor): number[] => Array.from(t.to('float64').data() as Float64Array);
function expectTensor(t: unknown, d: Desc, tol = 0): void {
  expect(t).toBeInstanceOf(torch.Tensor);
  const x = t as torch.Tensor;
  expect([x.dtype, x.shape]).toEqual([d.dtype, d.shape]);
  const v = values(x);
  d.values.forEach((e, i) => expect(Math.abs(v[i] - e)).toBeLessThanOrEqual(tol));
}

describe('torch.load reads files written by PyTorch', () => {
  test('every dtype, scalars, empties and strided views, with their values', () => {
    const d = torch.load(path.join(FIX, 'dtypes.pt')) as Obj;
    expect(Object.keys(d)).toEqual(Object.keys(expected.dtypes));
    for (const [k, e] of Object.entries(expected.dtypes)) expectTensor(d[k], e);
  });
  test("the legacy format (PyTorch < 1.6, _use_new_zipfile_serialization=False)", () => {
    const d = torch.load(path.join(FIX, 'legacy.pt')) as Obj;
    for (const [k, e] of Object.entries(expected.dtypes)) expectTensor(d[k], e);
    (d.base as torch.Tensor).add_(1);
    expect(values(d.row as torch.Tensor)).toEqual([5, 6, 7, 8]);
  });
  test('views of one storage stay views of one storage, as in PyTorch', () => {
    const d = torch.load(path.join(FIX, 'dtypes.pt')) as Record<string, torch.Tensor>;
    d.base.add_(100);
    expect(values(d.row)).toEqual([104, 105, 106, 107]);
    expect(values(d.column)).toEqual([102, 106, 110]);
    expect(values(d.transposed)[1]).toBe(104);
  });
  test('OrderedDict state_dicts, tuples, lists, Parameters, int keys, nested {model: sd}', () => {
    const c = torch.load(path.join(FIX, 'containers.pt')) as Obj;
    expect(Object.keys(c.model as Obj)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(c.tuple).toEqual([1, 'two', null]);
    expect(c.list).toEqual([true, false, [1, 2, [3]]]);
    expectTensor(c.param, expected.containers.param);
    expect((c.param as torch.Tensor).requiresGrad).toBe(true);
    expect([c.int, c.neg, c.big, c.float, c.str, c.none]).toEqual([42, -7, 2 ** 40, 0.25, 'héllo', null]);
    expect(c.int_keys).toEqual({ 0: 'a', 1: 'b' });
  });
  test('the seed model weights written by PyTorch load into CategoricalVAE', () => {
    const sd = torch.load(path.join(__dirname, 'fixtures', 'vae_final.pt')) as Record<string, torch.Tensor>;
    const m = new torch.CategoricalVAE();
    m.loadStateDict(sd);
    expect(values(m.fc3.bias!.sub(sd['fc3.bias']).abs().sum())[0]).toBe(0);
    m.dispose();
  });
});

describe('save() output', () => {
  test('round-trips every dtype, shape and plain value; shared references and cycles survive', () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    const list: unknown[] = [1, 'x'];
    list.push(list);
    const obj = {
      f32: t, f16: t.to('float16'), bf16: t.to('bfloat16'), f64: t.to('float64'), i64: t.to('int64'), i32: t.to('int32'),
      i16: t.to('int16'), i8: t.to('int8'), u8: t.to('uint8'), b: t.gt(2), scalar: torch.full([], 7), empty: torch.zeros([0, 3]),
      strided: t.t(), again: t, n: 3, f: 0.1, neg: -1e-300, big: 2 ** 60, bi: 2n ** 70n, s: 'ünï', yes: true, none: null,
      nested: { deep: [[], {}, [1, [2, [3]]]] }, ints: new Map<number, torch.Saveable>([[0, 'a'], [7, 'b']]), cyc: list as torch.Saveable,
    };
    const back = torch.deserialize(torch.serialize(obj)) as Obj;
    for (const k of ['f32', 'f16', 'bf16', 'f64', 'i64', 'i32', 'i16', 'i8', 'u8', 'b', 'scalar', 'empty', 'strided', 'again']) {
      const a = (obj as Obj)[k] as torch.Tensor;
      const b = back[k] as torch.Tensor;
      expect([b.dtype, b.shape, values(b)]).toEqual([a.dtype, a.shape, values(a)]);
    }
    expect([back.n, back.f, back.neg, back.big, back.bi, back.s, back.yes, back.none]).toEqual([3, 0.1, -1e-300, 2 ** 60, 2n ** 70n, 'ünï', true, null]);
    expect(back.nested).toEqual({ deep: [[], {}, [1, [2, [3]]]] });
    expect(back.ints).toEqual({ 0: 'a', 7: 'b' });
    const cyc = back.cyc as unknown[];
    expect(cyc[2]).toBe(cyc);
    expect(back.again).toBe(back.f32); // one tensor saved once, loaded once
  });
  test('values save() cannot store give a TypeError naming where they are', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: { fn: () => 1 } }, /obj\.a\.fn is a function/],
      [{ m: [new Float32Array(2)] }, /obj\.m\[0\] is Float32Array .*fromTypedArray/],
      [{ s: new Set([1]) }, /obj\.s is Set/],
      [{ d: new Date(0) }, /obj\.d is Date/],
      [{ x: Symbol('q') }, /obj\.x is a symbol/],
      [{ 'odd key': new Map([[{}, 1]]) }, /key of obj\["odd key"\]/],
      [{ bad: '\ud800' }, /obj\.bad is a string with a lone UTF-16 surrogate/],
      [{ t: (() => { const t = torch.ones([1]); t.dispose(); return t; })() }, /obj\.t is a disposed tensor/],
    ];
    for (const [v, re] of cases) expect(() => torch.serialize(v as torch.Saveable)).toThrow(re);
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => torch.serialize(deep as torch.Saveable)).toThrow(RangeError);
    expect(() => torch.save({}, '' as string)).toThrow(TypeError);
  });
  test('options are checked: unknown keys are a TypeError naming them', () => {
    const f = path.join(FIX, 'model_only.pt');
    expect(() => torch.load(f, { map_location: 'cpu' } as never)).toThrow(/unknown option 'map_location' \(did you mean 'mapLocation'\?\)/);
    expect(() => torch.load(f, { mapLocation: 'tpu' as torch.Device })).toThrow(/mapLocation must be 'cpu'/);
    expect(() => torch.load(f, 'cpu' as never)).toThrow(/load options must be an options object/);
    expect((torch.load(f, { mapLocation: 'cpu' }) as Obj).step).toBe(3);
    expect(() => (torch.save as (...a: unknown[]) => void)({}, path.join(tmp, 'x.pt'), { pickle_protocol: 4 })).toThrow(/takes two arguments/);
  });
});

describe('Adam state in PyTorch layout', () => {
  const adamOpts = { lr: 0.01, betas: [0.8, 0.99] as [number, number], eps: 1e-6, weightDecay: 0.1 };
  const ones = (ps: torch.Tensor[]): void => ps.forEach((p) => (p.grad = torch.onesLike(p)));

  test("PyTorch's Adam checkpoint loads, and one more step equals PyTorch's step", () => {
    const ck = torch.load(path.join(FIX, 'adam.pt')) as unknown as { model: Record<string, torch.Tensor>; optimizer: torch.optim.AdamStateDict };
    const params = Object.values(ck.model).map((t) => t.clone().requiresGrad_());
    const opt = new torch.optim.Adam(params, adamOpts);
    opt.loadStateDict(ck.optimizer);
    expect(opt.lr).toBe(0.01);
    ones(params);
    opt.step();
    Object.keys(ck.model).forEach((k, i) => expectTensor(params[i], expected.adam_after_step[k], 1e-6));
  });
  test('loadStateDict checks before it changes anything', () => {
    const ck = torch.load(path.join(FIX, 'adam.pt')) as unknown as { model: Record<string, torch.Tensor>; optimizer: Obj };
    const params = Object.values(ck.model).map((t) => t.clone().requiresGrad_());
    const opt = new torch.optim.Adam(params, adamOpts);
    const sd = ck.optimizer as { state: Record<string, Obj>; param_groups: Obj[] };
    const bad = (patch: (s: typeof sd) => void): torch.optim.AdamStateDict => {
      const copy = { state: Object.fromEntries(Object.entries(sd.state).map(([k, v]) => [k, { ...v }])), param_groups: sd.param_groups.map((g) => ({ ...g })) };
      patch(copy);
      return copy as unknown as torch.optim.AdamStateDict;
    };
    expect(() => opt.loadStateDict(bad((s) => (s.state[0].step = -1)))).toThrow(/state\[0\]\.step must be an integer >= 0, got -1/);
    expect(() => opt.loadStateDict(bad((s) => (s.state[0].step = torch.full([], 2.5))))).toThrow(RangeError);
    expect(() => opt.loadStateDict(bad((s) => (s.param_groups[0].lr = -0.1)))).toThrow(/param_groups\[0\]\.lr must be in \[0, Infinity\), got -0.1/);
    expect(() => opt.loadStateDict(bad((s) => (s.param_groups[0].lr = NaN)))).toThrow(TypeError);
    expect(() => opt.loadStateDict(bad((s) => (s.param_groups[0].eps = 0.5)))).toThrow(/eps 0.5 vs 0.000001/);
    expect(() => opt.loadStateDict(bad((s) => (s.state[1].exp_avg = torch.zeros([9]))))).toThrow(/state\[1\]\.exp_avg has shape \[9\], its parameter \[4\]/);
    expect(() => opt.loadStateDict(bad((s) => (s.param_groups[0].params = [0, 1])))).toThrow(/has 2 parameters, this optimizer 4/);
    expect(() => opt.loadStateDict({} as torch.optim.AdamStateDict)).toThrow(TypeError);
    expect(opt.stateDict().state).toEqual({}); // nothing was applied
    expect(() => (opt.lr = -1)).toThrow(/lr must be >= 0, got -1/);
  });

  describePy('Python and gumbel-torch read each other', () => {
    let report: Record<string, { weights_only: true | string; keys: string[]; tensors: Record<string, Desc>; values: Obj; adam_steps?: number[]; adam_after_step?: Record<string, Desc> }>;
    const ours: Record<string, Record<string, torch.Tensor>> = {};
    beforeAll(() => {
      // Our Adam: three steps from PyTorch's tiny model, then the checkpoint; then one more step.
      const init = (torch.load(path.join(FIX, 'model_only.pt')) as unknown as { model: Record<string, torch.Tensor> }).model;
      const params = Object.values(init).map((t) => t.clone().requiresGrad_());
      const opt = new torch.optim.Adam(params, adamOpts);
      for (let s = 0; s < 3; s++) {
        params.forEach((p, i) => (p.grad = p.detach().mul(i + 1).add(0.5)));
        opt.step();
      }
      const names = Object.keys(init);
      const model = Object.fromEntries(names.map((k, i) => [k, params[i].detach()]));
      torch.save({ model, optimizer: opt.stateDict() as unknown as torch.Saveable }, path.join(tmp, 'ours_adam.pt'));
      ones(params);
      opt.step();
      ours.adam = Object.fromEntries(names.map((k, i) => [k, params[i].detach()]));
      // A weights-only file: a state_dict, ints, strings, nested containers.
      torch.save({ 'fc1.weight': torch.arange(6).reshape(2, 3), half: torch.ones([2]).to('float16'), flag: torch.tensor([true, false]), n: 5, s: 'x', l: [1, [2]], k: { 3: 'int key' } }, path.join(tmp, 'ours_plain.pt'));
      const r = spawnSync(PY, [SCRIPT, 'check', tmp], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      report = JSON.parse(r.stdout);
    });
    test('torch.load(weights_only=True) reads our state_dict-style file', () => {
      const p = report['ours_plain.pt'];
      expect(p.weights_only).toBe(true);
      expect(p.keys).toEqual(['fc1.weight:str', 'half:str', 'flag:str', 'n:str', 's:str', 'l:str', 'k:str']);
      expect(p.tensors['fc1.weight']).toEqual({ dtype: 'int64', shape: [2, 3], values: [0, 1, 2, 3, 4, 5] });
      expect(p.tensors.half.dtype).toBe('float16');
      expect(p.tensors.flag).toEqual({ dtype: 'bool', shape: [2], values: [1, 0] });
      expect(p.values).toEqual({ n: 5, s: 'x', l: [1, [2]] });
    });
    test("Python's optimizer.load_state_dict accepts our Adam state and its next step equals ours", () => {
      const a = report['ours_adam.pt'];
      expect(a.adam_steps).toEqual([3, 3, 3, 3]);
      for (const [k, d] of Object.entries(a.adam_after_step!)) expectTensor(ours.adam[k], d, 1e-6);
    });
    test("PyTorch's own files written live load here (state_dict of the seed's model)", () => {
      const dir = path.join(tmp, 'live');
      const r = spawnSync(PY, [SCRIPT, 'write', dir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { state_dict: Record<string, { shape: number[]; sum: number }>; dtypes: Record<string, Desc> };
      const sd = torch.load(path.join(dir, 'state_dict.pt')) as Record<string, torch.Tensor>;
      expect(Object.keys(sd)).toEqual(Object.keys(exp.state_dict));
      for (const [k, e] of Object.entries(exp.state_dict)) {
        expect(sd[k].shape).toEqual(e.shape);
        expect(Math.abs(values(sd[k].to('float64').sum())[0] - e.sum)).toBeLessThan(1e-9);
      }
      const d = torch.load(path.join(dir, 'dtypes.pt')) as Obj;
      for (const [k, e] of Object.entries(exp.dtypes)) expectTensor(d[k], e);
    });
  });
});

describe('safetensors', () => {
  test('round trip with metadata; the header is what the format specifies', () => {
    const file = path.join(tmp, 'm.safetensors');
    const t = { 'a.weight': torch.arange(6).reshape(2, 3).to('float32'), b: torch.tensor([1, 0]).to('uint8'), c: torch.full([], 2).to('float64'), e: torch.zeros([0, 2]) };
    torch.saveSafetensors(t, file, { metadata: { format: 'pt' } });
    const bytes = fs.readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    // By hand: float64 (8 bytes) first, then 4-byte float32 tensors by name, then uint8.
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      c: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
      'a.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [8, 32] },
      e: { dtype: 'F32', shape: [0, 2], data_offsets: [32, 32] },
      b: { dtype: 'U8', shape: [2], data_offsets: [32, 34] },
    });
    expect(bytes.length).toBe(8 + n + 34);
    expect(bytes.readFloatLE(8 + n + 8 + 4 * 5)).toBe(5);
    const { tensors, metadata } = torch.readSafetensors(file);
    expect(metadata).toEqual({ format: 'pt' });
    for (const [k, v] of Object.entries(t)) expect([tensors[k].dtype, tensors[k].shape, values(tensors[k])]).toEqual([v.dtype, v.shape, values(v)]);
  });
  test('malformed files give an Error naming the problem', () => {
    const good = torch.serializeSafetensors({ x: torch.ones([2]) });
    const header = (h: object, data = 8): Buffer => {
      const j = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(j.length));
      return Buffer.concat([len, j, Buffer.alloc(data)]);
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 5), /shorter than its 8-byte header/],
      [good.subarray(0, good.length - 1), /exceed the file/],
      [Buffer.concat([good, Buffer.from([0])]), /1 bytes after the last tensor/],
      [header({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), /needs 12 bytes/],
      [header({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, y: { dtype: 'F32', shape: [1], data_offsets: [2, 6] } }), /overlaps/],
      [header({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), /hole of 4 bytes/],
      [header({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }), /dtype C64/],
      [header({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }), /invalid shape/],
      [header([1]), /not a JSON object|does not start/],
      [Buffer.concat([Buffer.from([255, 255, 255, 255, 255, 255, 255, 255])]), /exceeds the 100000000-byte limit/],
    ];
    const dupe = Buffer.from('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(dupe.length));
    cases.push([Buffer.concat([len, dupe, Buffer.alloc(4)]), /names 'x' twice/]);
    for (const [b, re] of cases) expect(() => torch.deserializeSafetensors(b)).toThrow(re);
    expect(() => torch.saveSafetensors({ x: 1 } as unknown as Record<string, torch.Tensor>, path.join(tmp, 'y'))).toThrow(TypeError);
    expect(() => torch.saveSafetensors({}, path.join(tmp, 'y'), { meta: {} } as never)).toThrow(/unknown option 'meta'/);
  });
});

// Pickles built by hand: the attacks and malformations of issue 7, each a clean JS Error.
function pickleFile(pkl: Buffer, storages: Record<string, Buffer> = {}): Buffer {
  return Buffer.concat(writeZip([{ name: 'a/data.pkl', data: pkl }, ...Object.entries(storages).map(([k, v]) => ({ name: `a/data/${k}`, data: v }))]));
}
const P = (...parts: (number[] | string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([0x58, b.length, 0, 0, 0]), b]);
};
// _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict())
function tensorPickle(numel: number, offset: number, size: number[], stride: number[]): Buffer {
  const ints = (xs: number[]): Buffer => P([0x28], ...xs.map((x) => [0x4a, x & 255, (x >> 8) & 255, (x >> 16) & 255, (x >> 24) & 255]), [0x74]);
  return P([0x80, 2], 'ctorch._utils\n_rebuild_tensor_v2\n', [0x28, 0x28], str('storage'), 'ctorch\nFloatStorage\n', str('0'), str('cpu'), [0x4a, numel & 255, (numel >> 8) & 255, 0, 0, 0x74, 0x51],
    [0x4a, offset & 255, (offset >> 8) & 255, (offset >> 16) & 255, (offset >> 24) & 255], ints(size), ints(stride), [0x89], 'ccollections\nOrderedDict\n', [0x29, 0x52, 0x74, 0x52, 0x2e]);
}

describe('crafted files give a clean Error, never a crash', () => {
  const load = (b: Buffer): unknown => torch.deserialize(b);
  test('code execution is refused (os.system, builtins.eval, posix, getattr)', () => {
    for (const g of ['os\nsystem', 'posix\nsystem', 'builtins\neval', 'builtins\ngetattr', 'torch\nload', 'subprocess\nPopen', '__builtin__\nexec'])
      expect(() => load(pickleFile(P([0x80, 2], `c${g}\n`, str('echo hacked'), [0x85, 0x52, 0x2e])))).toThrow(/refusing to load global/);
  });
  test.each([
    ['REDUCE', [0x52]], ['BUILD', [0x62]], ['NEWOBJ', [0x81]], ['BINPERSID', [0x51]], ['TUPLE2', [0x86]], ['TUPLE3', [0x87]],
    ['APPEND', [0x61]], ['SETITEM', [0x73]], ['APPENDS', [0x65]], ['POP', [0x30]], ['DUP', [0x32]], ['STOP', []],
  ])('%s on a short stack', (_, ops) => {
    expect(() => load(pickleFile(P([0x80, 2], ops as number[], [0x2e])))).toThrow(Error);
  });
  test('self-referencing lists and dicts load as cycles, as in Python', () => {
    const l = load(pickleFile(P([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]))) as unknown[];
    expect(l[0]).toBe(l);
    const d = load(pickleFile(P([0x80, 2, 0x7d, 0x71, 0], str('a'), [0x68, 0, 0x73, 0x2e]))) as Obj;
    expect(d.a).toBe(d);
  });
  test('100,000-deep nesting loads (no recursion) and so does 100,000 unclosed MARKs as an Error', () => {
    const n = 100_000;
    const deep = load(pickleFile(Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), Buffer.from([0x2e])])));
    let depth = 0;
    for (let x = deep as unknown[]; x.length; x = x[0] as unknown[]) depth++;
    expect(depth).toBe(n - 1);
    expect(() => load(pickleFile(Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(n, 0x28), Buffer.from([0x4e, 0x2e])])))).toThrow(/unclosed MARK/);
  });
  test('views beyond their storage are refused before any memory is read', () => {
    const s = Buffer.alloc(16); // 4 floats
    expect(values(load(pickleFile(tensorPickle(4, 1, [3], [1]), { 0: s })) as torch.Tensor)).toEqual([0, 0, 0]);
    for (const [numel, off, size, stride] of [[4, 2, [3], [1]], [4, 0, [2, 2], [2, 2]], [4, 4, [1], [1]], [4, 0, [5], [1]], [100, 0, [100], [1]], [4, 0, [2], [0x7fffffff]]] as [number, number, number[], number[]][])
      expect(() => load(pickleFile(tensorPickle(numel, off, size, stride), { 0: s }))).toThrow(/beyond its storage|fewer than/);
    expect(() => load(pickleFile(tensorPickle(4, 0, [2, 2], [2]), { 0: s }))).toThrow(/2 dims but stride has 1/);
    expect(() => load(pickleFile(tensorPickle(4, 0, [4], [1])))).toThrow(/storage record 'a\/data\/0' is missing/);
  });
  test('malformed containers', () => {
    expect(() => load(Buffer.from('not a zip at all, not a zip at all'))).toThrow(/end-of-central-directory/);
    expect(() => load(Buffer.from([0x80, 2, 0x8a, 0x0a]))).toThrow(/pickle truncated/);
    expect(() => load(Buffer.from([0x80, 2, 0x4b, 1, 0x2e]))).toThrow(/no legacy magic number/);
    expect(() => load(pickleFile(P([0x80, 2, 0xff, 0x2e])))).toThrow(/opcode 0xff/);
    expect(() => load(pickleFile(P([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f])))).toThrow(/truncated/);
    expect(() => load(pickleFile(P([0x80, 2, 0x68, 9, 0x2e])))).toThrow(/memo entry 9/);
    expect(() => load(pickleFile(P([0x80, 2, 0x7d], str('__proto__'), [0x7d, 0x73, 0x2e])))).not.toThrow();
    expect(Object.getPrototypeOf(load(pickleFile(P([0x80, 2, 0x7d], str('__proto__'), [0x4b, 1, 0x73, 0x2e]))))).toBe(Object.prototype);
    expect(() => load(pickleFile(P([0x80, 2, 0x7d, 0x4b, 1], str('x'), [0x73, 0x4b, 1, 0x58, 1, 0, 0, 0, 0x31, 0x73, 0x2e])))).not.toThrow();
    expect(() => load(pickleFile(P([0x80, 2, 0x7d], str('1'), str('x'), [0x73, 0x4b, 1], str('y'), [0x73, 0x2e])))).toThrow(/two types/);
    expect(() => load(pickleFile(P([0x80, 2, 0x29, 0x4e, 0x61, 0x2e])))).toThrow(/APPEND to a tuple/);
    expect(() => load(pickleFile(P([0x80, 2], 'ccollections\nOrderedDict\n', [0x2e])))).toThrow(/reference to collections.OrderedDict, not data/);
  });
  test('a failed load frees the tensors it made', () => {
    const before = torch.memory().liveTensors;
    const s = Buffer.alloc(16);
    const pkl = tensorPickle(4, 0, [4], [1]);
    const bad = Buffer.concat([pkl.subarray(0, pkl.length - 1), Buffer.from([0x4e, 0x2e])]); // two values at STOP
    expect(() => load(pickleFile(bad, { 0: s }))).toThrow(/STOP with 2 values/);
    expect(torch.memory().liveTensors).toBe(before);
  });
});
