import * as torch from '../lib';
import { type Enc, fixture, maxAbsDiff } from './helpers';

interface RngCase { seed: number; rand: Enc; randn: Enc; randperm: Enc; randint: Enc; rand64: Enc }

describe('seeded generators equal PyTorch on CPU', () => {
  const { cases } = fixture<{ cases: RngCase[] }>('rng.json');
  test.each(cases.map((c) => [c.seed, c] as const))('seed %i', (_seed, c) => {
    torch.manualSeed(c.seed);
    expect(maxAbsDiff(torch.rand([3, 4]), c.rand)).toBe(0);
    expect(maxAbsDiff(torch.randn([5]), c.randn)).toBe(0);
    expect(maxAbsDiff(torch.randperm(10), c.randperm)).toBe(0);
    expect(maxAbsDiff(torch.randint(0, 10, [6]), c.randint)).toBe(0);
    expect(maxAbsDiff(torch.rand([4], { dtype: 'float64' }), c.rand64)).toBe(0);
  });
});

describe('generator state', () => {
  test('setRngState(getRngState()) replays the same numbers; a bad state is a clear error', () =>
    torch.scope(() => {
      torch.manualSeed(11);
      const s = torch.getRngState();
      const a = torch.randn([4]);
      torch.setRngState(s);
      expect(maxAbsDiff(torch.randn([4]), a)).toBe(0);
      expect(() => torch.setRngState(torch.zeros([3]))).toThrow(/RNG state must be a torch.ByteTensor|ByteTensor/);
    }));
});
