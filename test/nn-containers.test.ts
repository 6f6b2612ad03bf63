// Sequential, ModuleDict, Identity, Flatten, Unflatten, and the new layers' argument checks: shapes,
// channels, dtypes, options, eval mode, and state dicts that do not fit (errors name module and key).
import * as torch from '../lib';

const nn = torch.nn;

describe('Sequential', () => {
  test("children named '0', '1', ...; forward chains; at, length, append, extend, slice, iteration", () => {
    torch.manualSeed(0);
    const a = new nn.Linear(3, 4);
    const s = new nn.Sequential(a, new nn.ReLU(), new nn.Linear(4, 2));
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const x = torch.randn([5, 3]);
    const want = (s.at(2) as torch.nn.Linear).forward(a.forward(x).relu());
    expect(s.forward(x).sub(want).abs().max().item()).toBe(0);
    expect(s.length).toBe(3);
    expect(s.at(0)).toBe(a);
    expect(s.at(-1)).toBe(s.at(2));
    expect(() => s.at(3)).toThrow(RangeError);
    s.append(new nn.Sigmoid()).extend([new nn.Identity()]);
    expect([...s].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear', 'Sigmoid', 'Identity']);
    const tail = s.slice(2, 4);
    expect(Object.keys(tail.stateDict())).toEqual(['2.weight', '2.bias']);
    expect(tail.at(0)).toBe(s.at(2));
    expect(s.parameters()).toHaveLength(4);
  });
  test('named children from an object, nested Sequentials, train/eval reach every child', () => {
    const s = new nn.Sequential({ conv: new nn.Conv2d(1, 2, 3), body: new nn.Sequential(new nn.BatchNorm2d(2), new nn.Dropout(0.5)) });
    expect(Object.keys(s.stateDict())).toEqual(['conv.weight', 'conv.bias', 'body.0.weight', 'body.0.bias', 'body.0.running_mean', 'body.0.running_var', 'body.0.num_batches_tracked']);
    s.eval();
    expect((s.at(1) as torch.nn.Sequential).at(1).training).toBe(false);
  });
  test('bad members are TypeErrors naming the position', () => {
    expect(() => new nn.Sequential(new nn.Linear(2, 2), 3 as never)).toThrow(/module '1' must be a Module/);
    expect(() => new nn.Sequential({ 'a.b': new nn.ReLU() })).toThrow(/can't contain '.'/);
    expect(() => new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(2, 3)).forward(torch.randn([1, 2]))).toThrow(/mat1 and mat2 shapes cannot be multiplied/);
  });
});

describe('ModuleDict', () => {
  test('insertion order, replace keeps the place, pop, delete, has, keys, values, items', () => {
    const d = new nn.ModuleDict<torch.nn.Module>({ enc: new nn.Linear(2, 3), dec: new nn.Linear(3, 2) });
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    d.set('enc', new nn.Linear(2, 5, { bias: false }));
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight', 'dec.weight', 'dec.bias']);
    d.set('head', new nn.Identity());
    expect([...d]).toEqual(['enc', 'dec', 'head']);
    expect(d.pop('dec')).toBeInstanceOf(nn.Linear);
    expect(Object.keys(d.stateDict())).toEqual(['enc.weight']);
    expect(d.has('dec')).toBe(false);
    expect(d.size).toBe(2);
    expect(() => d.get('dec')).toThrow(/no module 'dec'/);
    expect(() => d.set('x', 3 as never)).toThrow(TypeError);
    expect(() => d.set('', new nn.ReLU())).toThrow(/can't be empty/);
    d.clear();
    expect(d.parameters()).toHaveLength(0);
  });
});

describe('Identity, Flatten, Unflatten', () => {
  test('shapes as PyTorch', () => {
    const x = torch.randn([2, 3, 4, 5]);
    expect(new nn.Identity(54, { unused: true }).forward(x)).toBe(x);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 2).forward(x).shape).toEqual([24, 5]);
    expect(new nn.Unflatten(1, [3, -1]).forward(torch.randn([2, 12])).shape).toEqual([2, 3, 4]);
    expect(new nn.Unflatten(-1, [2, 2]).forward(torch.randn([3, 4])).shape).toEqual([3, 2, 2]);
    expect(() => new nn.Unflatten(1, [5, -1]).forward(torch.randn([2, 12]))).toThrow(/does not multiply/);
    expect(() => new nn.Unflatten(1, [-1, -1])).toThrow(/only one entry/);
    expect(() => new nn.Flatten(3).forward(torch.randn([2, 3]))).toThrow(/startDim/);
    expect(() => new nn.Flatten(2, 1).forward(x)).toThrow(/comes after endDim/);
  });
});

describe('new layers: bad input is a clean error naming the module', () => {
  test('Dropout/Dropout2d: p in [0, 1]; eval is the identity; wrong rank', () => {
    expect(() => new nn.Dropout(1.5)).toThrow(/between 0 and 1, but got 1.5/);
    expect(() => new nn.Dropout(-0.1)).toThrow(RangeError);
    expect(() => new nn.Dropout(NaN)).toThrow(TypeError);
    expect(() => new nn.Dropout({ prob: 0.2 } as never)).toThrow(/unknown option 'prob'; allowed: p/);
    expect(() => new nn.Dropout2d(0.5).forward(torch.randn([2, 3]))).toThrow(/Dropout2d: expected a 4-D input/);
    const d = new nn.Dropout(1).eval();
    const x = torch.randn([4]);
    expect(d.forward(x).sub(x).abs().max().item()).toBe(0);
    expect(d.train().forward(x).abs().max().item()).toBe(0);
  });
  test('LayerNorm and GroupNorm: shapes and channels', () => {
    expect(() => new nn.LayerNorm([3, 4]).forward(torch.randn([2, 4, 3]))).toThrow(/LayerNorm\(\[3,4\]\): input shape \[2,4,3\] does not end with \[3,4\]/);
    expect(() => new nn.LayerNorm([])).toThrow(TypeError);
    expect(() => new nn.LayerNorm(4, { elementwise_affine: false } as never)).toThrow(/did you mean 'elementwiseAffine'/);
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/divisible by numGroups/);
    expect(() => new nn.GroupNorm(2, 6).forward(torch.randn([2, 4, 3]))).toThrow(/GroupNorm\(2, 6\): input has 4 channels/);
    expect(() => new nn.LayerNorm(4).forward(torch.randint(0, 3, [2, 4]))).toThrow(/LayerNorm\(\[4\]\): expected a floating-point input, got int64/);
    expect(() => new nn.GroupNorm(2, 4).forward(torch.randn([2, 4], { dtype: 'float64' }))).toThrow(/GroupNorm\(2, 4\): input is float64, the module's parameters are float32/);
    expect(() => new nn.Conv2d(1, 1, 3).forward(torch.randn([1, 1, 5, 5], { dtype: 'float64' }))).toThrow(/Conv2d\(1, 1\): input is float64/);
    expect(() => new nn.BatchNorm1d(2).forward(torch.zeros([3, 2], { dtype: 'int64' }))).toThrow(/BatchNorm1d\(2\): expected a floating-point input/);
  });
  test('Embedding: index dtype and range, paddingIdx range, fromPretrained shape', () => {
    const e = new nn.Embedding(5, 2);
    expect(() => e.forward(torch.tensor([0.5, 1]))).toThrow(/Embedding\(5, 2\): input must be int64 or int32 indices, got float32/);
    expect(() => e.forward(torch.tensor([5], { dtype: 'int64' }))).toThrow(/index out of range/);
    expect(() => e.forward(torch.tensor([-1], { dtype: 'int64' }))).toThrow(/index out of range/);
    expect(() => new nn.Embedding(5, 2, { paddingIdx: 5 })).toThrow(/paddingIdx must be in \[-5, 4\]/);
    expect(() => new nn.Embedding(5, 2, { maxNorm: 1 }).forward(torch.tensor([7], { dtype: 'int64' }))).toThrow(/index 7 out of range/);
    expect(() => nn.Embedding.fromPretrained(torch.randn([5]))).toThrow(/must be 2-D/);
    expect(() => nn.Embedding.fromPretrained(torch.randn([5, 2]), { padding_idx: 0 } as never)).toThrow(/did you mean 'paddingIdx'/);
    expect(new nn.Embedding(5, 2, { paddingIdx: -1 }).paddingIdx).toBe(4);
  });
  test('Conv padding modes and strings', () => {
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as never })).toThrow(/paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular'/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 'full' as never })).toThrow(/'same' or 'valid'/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 'same', stride: 2 })).toThrow(/not supported for strided convolutions/);
    expect(() => new nn.ConvTranspose2d(1, 1, 3, { paddingMode: 'reflect' as never })).toThrow(/only 'zeros' paddingMode/);
    expect(() => new nn.Conv2d(1, 1, 3, { padding: 3, paddingMode: 'reflect' }).forward(torch.randn([1, 1, 3, 3]))).toThrow(/[Pp]adding size should be less than the corresponding input dimension/);
    expect(new nn.Conv2d(1, 2, [4, 3], { padding: 'same', dilation: 2 }).forward(torch.randn([1, 1, 9, 7])).shape).toEqual([1, 2, 9, 7]);
  });
  test('loadStateDict: missing/extra keys, wrong shapes and dtypes name the module and key; nothing is copied', () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Sequential({ norm: new nn.GroupNorm(1, 2) }), new nn.Embedding(4, 3));
    const sd = m.stateDict();
    expect(() => m.loadStateDict({ ...sd, '1.norm.extra': torch.zeros([1]) })).toThrow(/Sequential.loadStateDict: missing keys \[\], unexpected keys \[1.norm.extra\]/);
    const { ['2.weight']: _, ...short } = sd;
    void _;
    expect(() => m.loadStateDict(short)).toThrow(RangeError);
    const before = m.at(0).stateDict().weight.clone();
    expect(() => m.loadStateDict({ ...sd, '0.weight': torch.zeros([2, 1, 3, 3]), '1.norm.bias': torch.zeros([3]) })).toThrow(/'1.norm.bias' \(GroupNorm\) has shape \[3\], the module expects \[2\]/);
    expect(m.at(0).stateDict().weight.sub(before).abs().max().item()).toBe(0);
    expect(() => m.loadStateDict({ ...sd, '2.weight': torch.zeros([4, 3], { dtype: 'int64' }) })).toThrow(/'2.weight' \(Embedding\) is int64, the module holds float32/);
    expect(() => m.loadStateDict({ ...sd, '2.weight': [1, 2] as never })).toThrow(/'2.weight' \(Embedding\) is not a tensor/);
    expect(() => m.loadStateDict(torch.zeros([1]) as never)).toThrow(TypeError);
  });
});
