// The MNIST jigsaw (lib/tasks/jigsaw): the pieces' conventions, a CI-sized run that unscrambles digits
// far above chance, the session's state for --resume, the picture, and bad input.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { assemble, cutPieces, JigsawSession, jigsawTask, randomPermutations, scramble, SinkhornConvNet, train, unscramble } from '../../lib/tasks/jigsaw';

const settings = { pieces: 2, tau: 0.1, iters: 20, batchSize: 16, lr: 1e-3, device: 'cpu' as const, limit: 64, testLimit: 40 };

describe('pieces', () => {
  test('cutPieces is row-major over the grid; assemble inverts it; 28 % pieces rows and columns are dropped', () =>
    torch.scope(() => {
      const img = torch.arange(0, 2 * 28 * 28, 1, { dtype: 'float32' }).reshape([2, 28, 28]);
      const p = cutPieces(img, 2);
      expect(p.shape).toEqual([2, 4, 1, 14, 14]);
      // Piece 1 is the top right quarter, piece 2 the bottom left.
      expect(p.select(0, 0).select(0, 1).select(0, 0).select(0, 0).select(0, 0).item()).toBe(14);
      expect(p.select(0, 0).select(0, 2).select(0, 0).select(0, 0).select(0, 0).item()).toBe(14 * 28);
      expect(assemble(p, 2).eq(img).all().item()).toBe(true);
      const p5 = cutPieces(img, 5); // 5 x 5 pieces of 5 px: the top left 25 x 25
      expect(p5.shape).toEqual([2, 25, 1, 5, 5]);
      expect(assemble(p5, 5).eq(img.narrow(1, 0, 25).narrow(2, 0, 25)).all().item()).toBe(true);
    }));

  test('scramble puts piece perm[i] at slot i; unscramble by permutationMatrix(perm) restores the order', () =>
    torch.scope(() => {
      torch.manualSeed(3);
      const x = torch.randn([6, 9, 1, 4, 4]);
      const perm = randomPermutations(6, 9);
      // Each row is a permutation of 0..8.
      expect(perm.sort(-1).values.eq(torch.arange(0, 9, 1, { dtype: 'int64' })).all().item()).toBe(true);
      const s = scramble(x, perm);
      const b = 4;
      const i = 7;
      const j = Number(perm.select(0, b).select(0, i).item());
      expect(s.select(0, b).select(0, i).eq(x.select(0, b).select(0, j)).all().item()).toBe(true);
      expect(unscramble(s, torch.permutations.permutationMatrix(perm)).eq(x).all().item()).toBe(true);
    }));

  test('random permutations are uniform (chi-square over the 24 orders of 4)', () =>
    torch.scope(() => {
      torch.manualSeed(5);
      const n = 24000;
      const p = randomPermutations(n, 4).data() as BigInt64Array;
      const counts = new Map<string, number>();
      for (let r = 0; r < n; r++) {
        const k = Array.from(p.subarray(4 * r, 4 * r + 4)).join(',');
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      expect(counts.size).toBe(24);
      const chi = [...counts.values()].reduce((a, c) => a + (c - 1000) ** 2 / 1000, 0);
      expect(chi).toBeLessThan(49.7); // the 0.999 quantile of chi-square with 23 degrees of freedom
    }));
});

test('a CI-sized run (3,200 training images, 1 epoch) unscrambles test digits far above chance; memory is freed', () => {
  const before = torch.memory().liveTensors;
  const steps: number[] = [];
  // lr 1e-3 instead of the tutorial's 1e-4, so that 50 steps suffice.
  const run = train({ epochs: 1, limit: 3200, testLimit: 1000, lr: 1e-3, seed: 1, onStep: (_e, _s, _n, loss) => steps.push(loss) });
  try {
    const [m] = run.history;
    process.stderr.write(`jigsaw CI run: ${m.seconds} s, train loss ${m.trainLoss.toFixed(2)}, test Kendall tau ${m.kendallTau.toFixed(4)}, solved ${m.accuracy}\n`);
    expect(steps).toHaveLength(50);
    // A random order has mean Kendall tau 0 (standard deviation 0.016 over 1,000 digits of 4 pieces).
    expect(m.kendallTau).toBeGreaterThan(0.8);
    expect(m.accuracy).toBeGreaterThan(0.7);
    // Learning: the last steps' loss is well below the first steps'.
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(steps.slice(-10))).toBeLessThan(0.5 * mean(steps.slice(0, 5)));
  } finally {
    run.session.dispose();
  }
  expect(torch.memory().liveTensors).toBe(before);
}, 60_000);

test('session state (model, Adam, the epoch order) resumes the run exactly mid-epoch, through torch.save', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-jigsaw-'));
  torch.manualSeed(4);
  const a = new JigsawSession(settings);
  try {
    a.beginEpoch();
    torch.scope(() => {
      a.trainStep(1, 0);
    });
    const file = path.join(dir, 'ck.pt');
    torch.scope(() => torch.save({ state: a.stateDict(), rng: torch.getRngState() }, file));
    const next = torch.scope(() => [1, 2].map((s) => a.trainStep(1, s).loss as torch.Tensor).map((t) => t.item() as number));

    torch.manualSeed(4);
    const b = new JigsawSession(settings);
    try {
      torch.scope(() => {
        const saved = torch.load(file) as { state: Record<string, torch.Loaded>; rng: torch.Tensor };
        b.loadStateDict(saved.state);
        torch.setRngState(saved.rng);
      });
      const again = torch.scope(() => [1, 2].map((s) => b.trainStep(1, s).loss as torch.Tensor).map((t) => t.item() as number));
      expect(again).toEqual(next);
      expect(() => b.loadStateDict({ model: {}, optimizer: null })).toThrow(/optimizer/);
      expect(() => b.loadStateDict({ model: [], optimizer: {} })).toThrow(/model/);
    } finally {
      b.dispose();
    }
  } finally {
    a.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('picture: scrambled, unscrambled and true digits as 8-bit grey; draws nothing from the generator', () => {
  torch.manualSeed(2);
  const s = new JigsawSession(settings);
  try {
    const rng = torch.getRngState();
    const [img] = s.picture();
    const after = torch.getRngState();
    expect(after.eq(rng).all().item()).toBe(true);
    torch.scope(() => [rng, after].forEach((t) => t.dispose()));
    expect(img.name).toBe('jigsaw.png');
    expect(img.channels).toBe(1);
    expect(img.data.length).toBe(img.width * img.height);
    // 8 digits of 2 x 2 pieces (14 px, scaled 2x, 1 px gap) with 4 px padding, in 3 rows.
    expect([img.width, img.height]).toEqual([8 * (57 + 4) + 4, 3 * (57 + 4) + 4]);
    expect(s.model.training).toBe(true);
  } finally {
    s.dispose();
  }
});

describe('bad input', () => {
  test('pieces: 2 .. 14 (a piece keeps a pixel after pooling); other values are RangeErrors naming it', () => {
    for (const pieces of [1, 0, 15, 2.5, -2]) expect(() => train({ pieces, limit: 64 })).toThrow(/pieces/);
    expect(() => train({ pieces: '2' as never })).toThrow(TypeError);
    expect(() => new SinkhornConvNet({ numPieces: 1 })).toThrow(RangeError);
    expect(() => new SinkhornConvNet({ numPieces: 15 })).toThrow(RangeError);
    expect(() => new SinkhornConvNet({ kernelSize: 4 })).toThrow(/odd/);
    expect(() => cutPieces(torch.zeros([2, 28, 28]), 1)).toThrow(RangeError);
  });
  test('limits above the data, too small for one batch, unknown options, bad settings', () => {
    expect(() => train({ limit: 60001 })).toThrow(/limit must be at most the training set's 60000 images, got 60001/);
    expect(() => train({ testLimit: 10001, limit: 64 })).toThrow(/testLimit must be at most/);
    expect(() => train({ limit: 63 })).toThrow(/no full batch of 64/);
    expect(() => train({ limit: 0 })).toThrow(RangeError);
    expect(() => train({ piece: 3 } as never)).toThrow(/did you mean 'pieces'/);
    expect(() => train({ tau: 0 })).toThrow(RangeError);
    expect(() => train({ tau: NaN })).toThrow(/tau must be a number/);
    expect(() => train({ iters: 0 })).toThrow(RangeError);
    expect(() => train({ epochs: 0 })).toThrow(RangeError);
    expect(() => train({ batchSize: 0 })).toThrow(RangeError);
    expect(() => train({ batchSize: 1, pieces: 14 })).toThrow(/batchSize 1 leaves batch normalisation one value per channel/);
    expect(() => train({ device: 'tpu' as never })).toThrow();
    expect(() => train({ onEpoch: 3 as never })).toThrow(TypeError);
  });
  test('the model names the shape it wants; leaves nothing behind after errors', () => {
    const before = torch.memory().liveTensors;
    const m = new SinkhornConvNet();
    torch.scope(() => {
      expect(() => m.forward(torch.zeros([4, 4, 1, 13, 14]))).toThrow(/pieces must be \[B, 4, 1, 14, 14\]/);
      expect(() => m.forward(torch.zeros([4, 9, 1, 14, 14]))).toThrow(RangeError);
      expect(() => m.forward(torch.zeros([4, 4, 1, 14, 14]), { noise: torch.zeros([4, 4, 3]) })).toThrow(/noise/);
      expect(() => m.forward(torch.zeros([4, 4, 1, 14, 14]), { nois: 1 } as never)).toThrow(/did you mean 'noise'/);
      expect(() => m.forward('x' as never)).toThrow(TypeError);
    });
    m.dispose();
    for (const bad of [{ limit: 60001 }, { limit: 63 }, { pieces: 1 }]) expect(() => train(bad)).toThrow();
    expect(torch.memory().liveTensors).toBe(before);
  });
  test('the task: its options and flags', () => {
    expect(jigsawTask.name).toBe('jigsaw');
    expect(jigsawTask.defaults).toEqual({ epochs: 5, batchSize: 64, lr: 1e-4 });
    const pieces = jigsawTask.options.find((o) => o.name === 'pieces');
    expect(pieces).toMatchObject({ type: 'int', default: 2, min: 2, max: 14 });
    expect(() => jigsawTask.create({ epochs: 1, batchSize: 64, lr: 1e-4, seed: 0, device: 'cpu', out: '.', logEvery: 10, limit: 70000, pieces: 2, tau: 0.1, iters: 20 }, { device: 'cpu', out: '.', log: () => undefined, progress: () => undefined })).toThrow(
      /--limit must be at most the training set's 60000 images, got 70000/,
    );
    expect(jigsawTask.banner({ epochs: 5, batchSize: 64, lr: 1e-4, seed: 0, device: 'cpu', out: '.', logEvery: 10, pieces: 3, tau: 0.1, iters: 20 }, 'cpu')).toMatch(/3 x 3 pieces of 9 px/);
  });
});
