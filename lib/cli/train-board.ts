// train --tensorboard [dir]: what a run writes for TensorBoard and `gumbel-torch view`. Per progress
// update: the losses of the steps since the previous one, tau, lr and the gradient norm; per epoch:
// the epoch's losses, samples from the prior, test reconstructions and a histogram of the latent
// categories the encoder picks for test images; the settings as text; hparams at the end.
import { noGrad, getRngState, setRngState } from '../runtime';
import { keep, scope } from '../scope';
import { stack } from '../functional';
import { loadImages } from '../data/mnist';
import { SummaryWriter } from '../utils/tensorboard';
import type { EpochMetrics, TrainConfig } from '../train/config';
import type { EpochContext, StepProgress } from '../train/trainer';
import type { Tensor } from '../tensor';

/** Images shown per epoch (samples, and test images beside their reconstructions). */
const PICTURES = 16;

export class TrainBoard {
  readonly writer: SummaryWriter;
  #prev?: { epoch: number; seen: number; relaxed: number; unrelaxed: number };
  #config?: TrainConfig;
  #last?: EpochMetrics;
  /** The test images shown each epoch, loaded once. */
  #images?: Tensor;

  constructor(
    readonly dir: string,
    opts: { flushSecs?: number } = {},
  ) {
    // Flushed every 2 s (PyTorch's default is 120 s) so that `gumbel-torch view` follows a run closely.
    try {
      this.writer = new SummaryWriter(dir, { flushSecs: opts.flushSecs ?? 2 });
    } catch (e) {
      throw new Error(`--tensorboard ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  start(config: TrainConfig, resumedFrom?: { epoch: number; step: number }): void {
    this.#config = config;
    // After a resume mid-epoch the sums before the checkpoint are unknown: the first window is left out.
    if (resumedFrom && resumedFrom.step > 0) this.#prev = { epoch: resumedFrom.epoch, seen: Number.NaN, relaxed: Number.NaN, unrelaxed: Number.NaN };
    const settings = Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `| ${k} | ${typeof v === 'string' ? v : JSON.stringify(v)} |`);
    this.writer.addText('config', ['| setting | value |', '| --- | --- |', ...settings].join('\n'), 0);
  }

  step(p: StepProgress): void {
    const w = this.writer;
    const prev = this.#prev?.epoch === p.epoch ? this.#prev : { epoch: p.epoch, seen: 0, relaxed: 0, unrelaxed: 0 };
    const count = p.seen - prev.seen;
    if (count > 0) {
      // Running means times images seen are the device's sums; their differences are the window's.
      w.addScalar('loss/relaxed', (p.relaxed * p.seen - prev.relaxed * prev.seen) / count, p.globalStep);
      w.addScalar('loss/unrelaxed', (p.unrelaxed * p.seen - prev.unrelaxed * prev.seen) / count, p.globalStep);
    }
    this.#prev = { epoch: p.epoch, seen: p.seen, relaxed: p.relaxed, unrelaxed: p.unrelaxed };
    w.addScalar('tau', p.tau, p.globalStep);
    if (this.#config) w.addScalar('lr', this.#config.lr, p.globalStep);
    if (p.gradNorm !== undefined) w.addScalar('grad_norm', p.gradNorm, p.globalStep);
  }

  /** The epoch's numbers and pictures; the pictures' random draws leave the training's random stream as it was. */
  epoch(m: EpochMetrics, ctx: EpochContext): void {
    const w = this.writer;
    this.#last = m;
    w.addScalar('epoch/relaxed', m.relaxed, m.epoch);
    w.addScalar('epoch/unrelaxed', m.unrelaxed, m.epoch);
    w.addScalar('epoch/test', m.test, m.epoch);
    w.addScalar('epoch/train_seconds', m.trainSeconds, m.epoch);
    const { model, device } = ctx;
    const cfg = this.#config;
    const states: [Tensor, typeof device][] = [[getRngState(), 'cpu']];
    if (device.startsWith('cuda')) states.push([getRngState(device), device]);
    const wasTraining = model.training;
    try {
      scope(() =>
        noGrad(() => {
          model.eval();
          w.addImages('samples', model.samplePrior(PICTURES).reshape([PICTURES, 1, 28, 28]), m.epoch);
          this.#images ??= keep(loadImages('t10k', { dir: cfg?.data, device, limit: 100 }));
          const x = this.#images;
          const { recon, qy } = model.forward(x, ctx.tau, { evaluate: true });
          // Rows of 8: test images, then their reconstructions below.
          const half = PICTURES / 2;
          const pairs = [];
          for (let r = 0; r < half; r += 8) pairs.push(x.narrow(0, r, 8), recon.narrow(0, r, 8));
          w.addImages('reconstructions', stack(pairs).reshape([PICTURES, 1, 28, 28]), m.epoch);
          const k = model.categories;
          const picks = qy.reshape([x.shape[0], model.latents, k]).argmax(-1);
          w.addHistogram('latent_usage', picks, m.epoch, Array.from({ length: k + 1 }, (_, i) => i - 0.5));
        }),
      );
    } finally {
      for (const [s, d] of states) {
        setRngState(s, d);
        s.dispose();
      }
      if (wasTraining) model.train();
    }
  }

  /** Flushes and closes; after a finished run, the settings and last test loss go to TensorBoard's HPARAMS tab. */
  async close(finished: boolean): Promise<void> {
    const cfg = this.#config;
    if (finished && cfg && this.#last) {
      const hp = { lr: cfg.lr, batchSize: cfg.batchSize, latents: cfg.latents, categories: cfg.categories, temp: cfg.temp, annealRate: cfg.annealRate, hard: cfg.hard, estimator: cfg.estimator, seed: cfg.seed };
      await this.writer.addHparams(hp, { 'hparam/test': this.#last.test, 'hparam/relaxed': this.#last.relaxed }, undefined, 'hparams');
    }
    this.#images?.dispose();
    await this.writer.close();
  }
}
