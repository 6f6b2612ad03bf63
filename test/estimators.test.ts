// The estimator API: bad input, the VAE with every estimator, the trainer and the CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { Trainer } from '../lib/train/trainer';
import { SEED_DEFAULTS } from '../lib/train/config';
import { load } from '../lib/serialize';

const E = torch.estimators;
const f = (z: torch.Tensor): torch.Tensor => z.sum([-1, -2]);

describe('bad input gets a clear error', () => {
  test('unknown estimator names and options', () =>
    torch.scope(() => {
      const l = torch.randn([2, 3, 4]);
      expect(() => E.checkEstimator('reinmax2')).toThrow(TypeError);
      expect(() => E.checkEstimator('reinmax2')).toThrow(/one of gumbel-softmax, st-gumbel, st, reinmax/);
      expect(() => E.expectation(l, f, 'nope' as never)).toThrow(TypeError);
      expect(() => E.checkEstimator({ name: 'st', temperature: 1 })).toThrow(/unknown option 'temperature'/);
      expect(() => E.st(l, { temperature: 1 } as never)).toThrow(/unknown option 'temperature'/);
      expect(() => E.checkEstimator({ name: 'st', samples: 3 })).toThrow(/samples applies to gumbel-rao/);
      expect(() => E.sampleWith(l, 'rloo')).toThrow(/needs the loss f/);
    }));
  test('K < 1, S < 2, tau <= 0, gap <= 0', () =>
    torch.scope(() => {
      const l = torch.randn([2, 3, 4]);
      expect(() => E.gumbelRao(l, { samples: 0 })).toThrow(RangeError);
      expect(() => E.checkEstimator({ name: 'gumbel-rao', samples: 0 })).toThrow(RangeError);
      expect(() => E.rloo(l, f, { samples: 1 })).toThrow(/S >= 2|>= 2|\[2,/);
      expect(() => E.rloo(l, f, { samples: 1 })).toThrow(RangeError);
      for (const tau of [0, -1, Infinity]) expect(() => E.reinmax(l, { tau })).toThrow(RangeError);
      expect(() => E.st(l, { tau: NaN })).toThrow(TypeError);
      expect(() => E.checkEstimator({ name: 'st', tau: 0 })).toThrow(RangeError);
      expect(() => E.gst(l, { gap: 0 })).toThrow(RangeError);
      expect(() => E.gst(l, { gap: 'wide' as never })).toThrow(TypeError);
    }));
  test('configurations too large for exact', () =>
    torch.scope(() => {
      expect(() => E.exact(torch.randn([2, 30, 10]), f)).toThrow(RangeError);
      expect(() => E.exact(torch.randn([2, 30, 10]), f)).toThrow(/30 latents x 10 categories = 10\^30 = 1.00e\+30 configurations, more than maxConfigurations \(65536\)/);
      expect(() => E.exact(torch.randn([2, 4, 8]), f, { maxConfigurations: 100 })).toThrow(RangeError);
      expect(() => E.enumerateConfigurations(17, 2)).toThrow(RangeError);
      expect(() => E.exact(torch.randn([2, 8]), f)).toThrow(/\[batch, latents, categories\]/);
    }));
  test('bad samples, noise and loss functions', () =>
    torch.scope(() => {
      const l = torch.randn([2, 3, 4]);
      expect(() => E.st(l, { sample: torch.zeros([2, 3]) })).toThrow(RangeError);
      expect(() => E.st(l, { sample: torch.zeros([2, 3, 4]) })).toThrow(/one-hot/);
      expect(() => E.gumbelRao(l, { exponentials: torch.ones([2, 2, 3]) })).toThrow(RangeError);
      expect(() => E.rloo(l, ((z: torch.Tensor) => z.sum()) as never)).toThrow(RangeError);
      expect(() => E.rloo(l, (() => 3) as never)).toThrow(TypeError);
      expect(() => E.exact(l, 'f' as never)).toThrow(TypeError);
      expect(() => E.st(torch.zeros([2, 3], { dtype: 'int64' }))).toThrow(TypeError);
      expect(() => E.st([1, 2] as never)).toThrow(TypeError);
    }));
});

describe('every estimator trains the Categorical VAE', () => {
  const x = torch.keep(torch.data.loadImages('t10k', { limit: 8 }));
  afterAll(() => x.dispose());

  test.each(E.ESTIMATORS.map((n) => [n]))('%s: a finite loss and finite, nonzero encoder gradients', (name) =>
    torch.scope(() => {
      torch.manualSeed(0);
      const model = new torch.CategoricalVAE({ latents: 3, categories: 4 });
      const loss = model.estimatorLoss(x, 1, name);
      expect(loss.shape).toEqual([]);
      loss.backward();
      expect(Number.isFinite(loss.item() as number)).toBe(true);
      for (const p of model.parameters()) expect(p.grad!.isfinite().all().item()).toBe(true);
      expect(model.fc1.weight.grad!.abs().sum().item()).toBeGreaterThan(0);
      model.dispose();
    }),
  );

  test('the relaxed estimator through estimatorLoss has the gradient of the seed path (same noise)', () =>
    torch.scope(() => {
      // With common random numbers: gumbel-softmax via expectation() equals forward()+loss().
      torch.manualSeed(1);
      const model = new torch.CategoricalVAE({ latents: 3, categories: 4 });
      torch.manualSeed(9);
      const a = model.estimatorLoss(x, 0.7, 'gumbel-softmax');
      torch.manualSeed(9);
      const { recon, qy } = model.forward(x, 0.7);
      const b = model.loss(recon, x, qy);
      expect(Math.abs((a.item() as number) - (b.item() as number))).toBeLessThan(1e-3);
      model.dispose();
    }));

  test('reconstructionLosses: the shared-code (matrix) form equals the per-example form', () =>
    torch.scope(() => {
      torch.manualSeed(2);
      const model = new torch.CategoricalVAE({ latents: 2, categories: 3 });
      const codes = E.enumerateConfigurations(2, 3).unsqueeze(1); // [9, 1, 2, 3]
      const shared = model.reconstructionLosses(codes, x);
      const each = model.reconstructionLosses(codes.expand(9, 8, 2, 3), x);
      const rel = shared.sub(each).abs().max().item() as number;
      expect(rel / (each.abs().max().item() as number)).toBeLessThan(1e-5);
      model.dispose();
    }));

  test('memory stays flat over many scoped steps with each estimator', () => {
    const model = new torch.CategoricalVAE({ latents: 2, categories: 4 });
    const step = (name: torch.estimators.EstimatorName): void =>
      torch.scope(() => {
        model.estimatorLoss(x, 1, name).backward();
        torch.noGrad(() => model.parameters().forEach((p) => (p.grad = undefined)));
      });
    for (const n of E.ESTIMATORS) step(n);
    const before = torch.memory().liveTensors;
    for (let i = 0; i < 20; i++) for (const n of E.ESTIMATORS) step(n);
    expect(torch.memory().liveTensors).toBe(before);
    model.dispose();
  });
});

describe('trainer and CLI', () => {
  test('the trainer records the estimator in metrics and checkpoints; bad estimators fail before training', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-est-'));
    const r = await new Trainer({ ...SEED_DEFAULTS, epochs: 1, limit: 200, latents: 4, categories: 8, estimator: 'reinmax', out, device: 'cpu', logEvery: 10 }).run();
    r.model.dispose();
    expect(r.metrics[0].estimator).toBe('reinmax');
    expect(Number.isFinite(r.metrics[0].test)).toBe(true);
    const ck = torch.scope(() => {
      const c = load(path.join(out, 'checkpoint.pt')) as Record<string, unknown>;
      return JSON.parse(c.config as string) as { estimator: string };
    });
    expect(ck.estimator).toBe('reinmax');
    expect(() => new Trainer({ ...SEED_DEFAULTS, estimator: 'bogus' as never, out, device: 'cpu' })).toThrow(TypeError);
    await expect(new Trainer({ ...SEED_DEFAULTS, estimator: 'rloo', samples: 1, out, device: 'cpu' }).run()).rejects.toThrow(RangeError);
  });

  const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  test('train --estimator rejects unknown names; analyze writes its table and plot', () => {
    const bad = run(['train', '--estimator', 'bogus']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Allowed choices are gumbel-softmax, st-gumbel, st, reinmax/);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-analyze-'));
    const r = run(['analyze', '--latents', '2', '--categories', '4', '--batch', '10', '--draws', '20', '--out', out, '--device', 'cpu', '--estimators', 'st,reinmax,rloo']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| reinmax \| \d\.\d{4} \|/);
    const a = JSON.parse(fs.readFileSync(path.join(out, 'analysis.json'), 'utf8')) as { stats: { estimator: string; cosineOfMean: number }[] };
    expect(a.stats.map((s) => s.estimator)).toEqual(['st', 'reinmax', 'rloo']);
    for (const s of a.stats) expect(s.cosineOfMean).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(out, 'analysis.svg'), 'utf8')).toMatch(/^<svg/);
    const big = run(['analyze', '--latents', '30', '--categories', '10', '--out', out, '--device', 'cpu']);
    expect(big.status).not.toBe(0);
    expect(big.stderr).toMatch(/more than maxConfigurations/);
  });
});
