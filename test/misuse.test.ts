// No silently wrong results: each PyTorch habit or misuse here either behaves as PyTorch does or
// throws a TypeError/RangeError naming the argument (issue 7, section 6).
import * as torch from '../lib';
import { describeCuda } from './helpers';

const { nn } = torch;

describe('options: PyTorch habits work, unknown keys are rejected with a suggestion', () => {
  test("gumbelSoftmax(logits, tau, hard) is PyTorch's positional form", () =>
    torch.scope(() => {
      const l = torch.randn([4, 6]);
      torch.manualSeed(1);
      const a = torch.gumbelSoftmax(l, 0.3);
      torch.manualSeed(1);
      const b = torch.gumbelSoftmax(l, { tau: 0.3 });
      torch.manualSeed(1);
      const c = torch.gumbelSoftmax(l, { tau: 1 });
      expect(a.sub(b).abs().max().item()).toBe(0);
      expect(a.sub(c).abs().max().item()).toBeGreaterThan(1e-3);
      torch.manualSeed(1);
      const h = torch.gumbelSoftmax(l, 0.3, true);
      torch.manualSeed(1);
      expect(h.sub(torch.gumbelSoftmax(l, { tau: 0.3, hard: true })).abs().max().item()).toBe(0);
      torch.manualSeed(2);
      const r = torch.relaxedBernoulli(l, 0.3);
      torch.manualSeed(2);
      expect(r.sub(torch.relaxedBernoulli(l, { tau: 0.3 })).abs().max().item()).toBe(0);
      expect(() => (torch.gumbelSoftmax as (...a: unknown[]) => unknown)(l, 0.5, true, 1e-10, -1)).toThrow(TypeError);
      expect(() => torch.gumbelSoftmax(l, 0.5, 'yes' as unknown as boolean)).toThrow(/hard must be a boolean/);
    }));

  const l = (): torch.Tensor => torch.randn([2, 3]);
  const cases: [string, () => unknown, RegExp][] = [
    ['gumbelSoftmax temperature', () => torch.gumbelSoftmax(l(), { temperature: 0.5 } as never), /unknown option 'temperature' \(did you mean 'tau'\?\)/],
    ['gumbelSoftmax string', () => torch.gumbelSoftmax(l(), 'hard' as never), /options must be an options object/],
    ['gumbelSoftmax array', () => torch.gumbelSoftmax(l(), [0.5] as never), /options must be an options object/],
    ['relaxedBernoulli temperature', () => torch.relaxedBernoulli(l(), { temperature: 0.5 } as never), /did you mean 'tau'/],
    ['oneHotCategorical number', () => torch.oneHotCategorical(l(), -1 as never), /options must be an options object/],
    ['oneHotCategorical axis', () => torch.oneHotCategorical(l(), { dims: 0 } as never), /did you mean 'dim'/],
    ['gumbelFromUniform', () => torch.gumbelFromUniform(torch.rand([3]), { formla: 'seed' } as never), /did you mean 'formula'/],
    ['sampleGumbel', () => torch.sampleGumbel([3], { dtpye: 'float64' } as never), /did you mean 'dtype'/],
    ['zeros requires_grad', () => torch.zeros([2], { requires_grad: true } as never), /did you mean 'requiresGrad'/],
    ['zeros dtype string', () => torch.zeros([2], 'float64' as never), /options must be an options object/],
    ['tensor', () => torch.tensor([1], { dtyp: 'int64' } as never), /did you mean 'dtype'/],
    ['Adam learning_rate', () => new torch.optim.Adam([torch.zeros([1]).requiresGrad_()], { learning_rate: 0.1 } as never), /did you mean 'lr'/],
    ['Adam weight_decay', () => new torch.optim.Adam([torch.zeros([1]).requiresGrad_()], { weight_decay: 0.1 } as never), /did you mean 'weightDecay'/],
    ['Linear', () => new nn.Linear(2, 3, { biass: false } as never), /did you mean 'bias'/],
    ['DataLoader batch_size', () => new torch.data.DataLoader(torch.zeros([4, 2]), { batch_size: 2 } as never), /did you mean 'batchSize'/],
    ['loadImages', () => torch.data.loadImages('t10k', { limt: 3 } as never), /did you mean 'limit'/],
    ['CategoricalVAE', () => new torch.CategoricalVAE({ latent: 3 } as never), /did you mean 'latents'/],
    ['TemperatureSchedule tau_min', () => new torch.TemperatureSchedule({ tau_min: 0.1 } as never), /did you mean 'tauMin'/],
    ['to()', () => l().to({ dtype: 'float64', devce: 'cpu' } as never), /did you mean 'device'/],
    ['sum()', () => l().sum(undefined, false, { dtyp: 'float64' } as never), /did you mean 'dtype'/],
    ['backward retain_graph', () => l().requiresGrad_().sum().backward(undefined, { retain_graph: true } as never), /did you mean 'retainGraph'/],
    ['binaryCrossEntropy reduce', () => torch.binaryCrossEntropy(torch.rand([2]), torch.rand([2]), { reduce: 'sum' } as never), /did you mean 'reduction'/],
    ['addmm betta', () => torch.addmm(torch.zeros([2, 2]), torch.zeros([2, 2]), torch.zeros([2, 2]), { betta: 2 } as never), /did you mean 'beta'/],
  ];
  test.each(cases)('%s', (_n, f, msg) =>
    torch.scope(() => {
      expect(f).toThrow(TypeError);
      expect(f).toThrow(msg);
    }),
  );
  test('VAE forward rejects unknown options', () => {
    const m = new torch.CategoricalVAE({ latents: 2, categories: 3 });
    torch.scope(() => expect(() => m.forward(torch.rand([1, 784]), 1, { hrad: true } as never)).toThrow(/did you mean 'hard'/));
    m.dispose();
  });
});

describe('Module registers fields holding modules and parameters, as PyTorch\'s __setattr__', () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(4, 3);
    layers = [new nn.Linear(3, 3), new nn.Linear(3, 2, { bias: false })];
    scale = nn.Parameter(torch.ones([2]));
    notAParameter = torch.ones([2]); // a plain tensor field is not a parameter, as in PyTorch
    list = new nn.ModuleList([new nn.Linear(2, 1)]);
    forward(x: torch.Tensor): torch.Tensor {
      let h = this.fc1.forward(x);
      for (const l of this.layers) h = l.forward(h);
      return this.list.at(0)!.forward(h.mul(this.scale));
    }
  }
  test('parameters, names and order', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      'scale', 'fc1.weight', 'fc1.bias', 'layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'list.0.weight', 'list.0.bias',
    ]);
    expect(Object.keys(net.stateDict())).toHaveLength(8);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    // The optimizer reaches every parameter: one step moves them all.
    const opt = new torch.optim.Adam(net.parameters(), { lr: 0.1 });
    const before = net.parameters().map((p) => p.clone());
    torch.scope(() => net.forward(torch.randn([5, 4])).pow(2).sum().backward());
    opt.step();
    net.parameters().forEach((p, i) => expect(torch.scope(() => p.sub(before[i]).abs().max().item())).toBeGreaterThan(0));
    net.eval();
    expect(net.fc1.training || net.layers[1].training || net.list.at(0)!.training).toBe(false);
    net.dispose();
    net.notAParameter.dispose();
  });
  test('a module shared by two fields counts once; a reassigned field replaces the old one', () => {
    class Shared extends nn.Module {
      a = new nn.Linear(2, 2);
      b = this.a;
    }
    const s = new Shared();
    expect(s.parameters()).toHaveLength(2);
    s.a = new nn.Linear(2, 2);
    expect(s.parameters()).toHaveLength(4);
    s.dispose();
  });
});

describe("an optimizer made before model.to() still updates the model (PyTorch's param.data swap)", () => {
  test('parameter objects keep their identity across to()', () => {
    const m = new nn.Linear(2, 2);
    const ps = m.parameters();
    m.to('cpu');
    expect(m.parameters()).toEqual(ps);
    expect(m.parameters().every((p, i) => p === ps[i])).toBe(true);
    m.dispose();
  });
  describeCuda('to(cuda) after the optimizer', () => {
    test('Adam steps the CUDA parameters', () => {
      const m = new nn.Linear(3, 2);
      const opt = new torch.optim.Adam(m.parameters(), { lr: 0.1 });
      m.to('cuda');
      expect(m.weight.device).toMatch(/^cuda/);
      const w0 = m.weight.cpu();
      torch.scope(() => m.forward(torch.randn([4, 3], { device: 'cuda' })).sum().backward());
      opt.step();
      expect(torch.scope(() => m.weight.cpu().sub(w0).abs().max().item())).toBeGreaterThan(0);
      m.dispose();
    });
  });
});

describe('hard and exact samplers keep invalid rows NaN, as PyTorch', () => {
  // Row 0 valid, row 1 has a NaN logit, row 2 is all -inf.
  const logits = (): torch.Tensor => torch.tensor([[0, 1, 2], [NaN, 1, 2], [-Infinity, -Infinity, -Infinity]]);
  const rowsNaN = (y: torch.Tensor): boolean[] => [0, 1, 2].map((r) => y.select(0, r).isnan().all().item() as boolean);
  test.each([
    ['gumbelSoftmax soft', () => torch.gumbelSoftmax(logits(), { tau: 0.5 })],
    ['gumbelSoftmax hard', () => torch.gumbelSoftmax(logits(), { tau: 0.5, hard: true })],
    ['oneHotCategorical gumbel-max', () => torch.oneHotCategorical(logits())],
    ['oneHotCategorical multinomial', () => torch.oneHotCategorical(logits().narrow(0, 0, 1))],
  ] as const)('%s', (_n, f) =>
    torch.scope(() => {
      const y = f();
      if (y.shape[0] === 3) expect(rowsNaN(y)).toEqual([false, true, true]);
      expect(y.select(0, 0).sum().item()).toBeCloseTo(1, 6);
    }),
  );
  test('multinomial sampling of a NaN row gives NaN, as the README promises for every sampler', () =>
    torch.scope(() => expect(rowsNaN(torch.oneHotCategorical(logits(), { method: 'multinomial' }))).toEqual([false, true, true])));
  test('relaxedBernoulli hard: a NaN logit gives NaN, not 0', () =>
    torch.scope(() => {
      const y = torch.relaxedBernoulli(torch.tensor([NaN, 0]), { hard: true }).toArray() as number[];
      expect(Number.isNaN(y[0])).toBe(true);
      expect([0, 1]).toContain(y[1]);
    }));
});

describe('checks that were missing', () => {
  test('the grad setter checks shape, dtype and device', () =>
    torch.scope(() => {
      const p = torch.zeros([2, 3]).requiresGrad_();
      expect(() => (p.grad = torch.zeros([3, 2]))).toThrow(RangeError);
      expect(() => (p.grad = torch.zeros([2, 3], { dtype: 'float64' }))).toThrow(TypeError);
      expect(() => (p.grad = torch.zeros([6]))).toThrow(/shape/);
      p.grad = torch.ones([2, 3]);
      expect(p.grad!.sum().item()).toBe(6);
    }));
  test("gumbelFromUniform(ones) with the 'safe' formula is finite, as documented", () =>
    torch.scope(() => {
      for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
        const g = torch.gumbelFromUniform(torch.tensor([0, 1, 1e-45, 0.5], { dtype }));
        expect([dtype, g.isfinite().all().item()]).toEqual([dtype, true]);
      }
    }));
  test('scalarTensor of a bigint outside int64 is a RangeError; inside it is exact', () =>
    torch.scope(() => {
      expect(() => torch.scalarTensor(2n ** 70n)).toThrow(RangeError);
      expect(() => torch.scalarTensor(-(2n ** 63n) - 1n)).toThrow(RangeError);
      expect(torch.scalarTensor(2n ** 62n, { dtype: 'int64' }).data()[0]).toBe(2n ** 62n);
      expect(() => torch.scalarTensor('1' as never)).toThrow(TypeError);
    }));
  test('densities reject values outside the support', () =>
    torch.scope(() => {
      const l = torch.zeros([3]);
      expect(() => torch.logProb.relaxedBernoulli(l, 0.5, torch.tensor([0.5, 1.5, 0.2]))).toThrow(RangeError);
      expect(() => torch.logProb.relaxedBernoulli(l, 0.5, torch.tensor([0.5, -0.1, 0.2]))).toThrow(/support/);
      expect(() => torch.logProb.relaxedBernoulli(l, 0.5, torch.tensor([0.5, NaN, 0.2]))).toThrow(RangeError);
      expect(torch.logProb.relaxedBernoulli(l, 0.5, torch.tensor([0, 1, 0.2])).isfinite().all().item()).toBe(true);
      expect(() => torch.logProb.relaxedOneHotCategorical(l, 0.5, torch.tensor([0.5, 0.6, 0]))).toThrow(/simplex/);
      expect(() => torch.logProb.relaxedOneHotCategorical(l, 0.5, torch.tensor([1.5, -0.5, 0]))).toThrow(RangeError);
    }));
});

describe('what PyTorch accepts works', () => {
  test('empty batches [0, 10] in every Gumbel op, forward and backward', () =>
    torch.scope(() => {
      const l = torch.zeros([0, 10]).requiresGrad_();
      for (const hard of [false, true]) {
        const y = torch.gumbelSoftmax(l, { tau: 0.5, hard });
        expect(y.shape).toEqual([0, 10]);
        y.sum().backward();
      }
      expect(l.grad!.shape).toEqual([0, 10]);
      expect(torch.gumbelSoftmax(l.detach(), { noise: torch.zeros([0, 10]) }).shape).toEqual([0, 10]);
      expect(torch.oneHotCategorical(l.detach()).shape).toEqual([0, 10]);
      expect(torch.oneHotCategorical(l.detach(), { method: 'multinomial' }).shape).toEqual([0, 10]);
      expect(torch.relaxedBernoulli(l.detach(), { hard: true }).shape).toEqual([0, 10]);
      expect(torch.sampleGumbel([0, 10]).shape).toEqual([0, 10]);
      expect(torch.gumbelFromUniform(torch.zeros([0, 10])).shape).toEqual([0, 10]);
      expect(torch.logProb.relaxedOneHotCategorical(l.detach(), 0.5, torch.zeros([0, 10])).shape).toEqual([0]);
    }));
  test('float16 on CPU in every Gumbel op (computed in float32, rounded once)', () =>
    torch.scope(() => {
      const l = torch.randn([4, 5], { dtype: 'float16' }).requiresGrad_();
      const y = torch.gumbelSoftmax(l, { tau: 0.5 });
      expect(y.dtype).toBe('float16');
      expect(Math.abs((y.sum(-1).sub(1).abs().max().item() as number))).toBeLessThan(2e-3);
      y.mul(torch.randn([4, 5], { dtype: 'float16' })).sum().backward();
      expect(l.grad!.dtype).toBe('float16');
      const h = torch.gumbelSoftmax(l.detach(), { hard: true });
      expect(h.sum(-1).eq(1).all().item()).toBe(true);
      for (const t of [torch.oneHotCategorical(l.detach()), torch.oneHotCategorical(l.detach(), { method: 'multinomial' }), torch.relaxedBernoulli(l.detach()), torch.sampleGumbel([3], { dtype: 'float16' })])
        expect(t.dtype).toBe('float16');
      const lp = torch.logProb.relaxedOneHotCategorical(l.detach(), 0.5, y.detach());
      expect(lp.dtype).toBe('float16');
    }));
  test("printing an empty tensor with a huge dim prints like PyTorch's", () => {
    const t = torch.zeros([2 ** 31, 0]);
    expect(String(t)).toBe('tensor([], size=(2147483648, 0))');
    t.dispose();
    expect(String(torch.zeros([0]))).toBe('tensor([])');
  });
});
