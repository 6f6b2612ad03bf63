// `gumbel-torch train --task nri`: Neural Relational Inference on generated springs with the
// tutorial's settings (hidden 256, tau 0.5, Adam 5e-4, batch 128, 10 epochs, variance 5e-5, soft
// edges in training), validation and test edge accuracy each epoch, the graphs picture.
import { arange, randperm } from '../../creation';
import { ESTIMATORS, isPathwise } from '../../estimators/registry';
import { noGrad } from '../../runtime';
import { keep, scope } from '../../scope';
import type { Loaded, Saveable } from '../../serialize';
import { Adam, type AdamStateDict } from '../../optim/adam';
import { Tensor, type Device } from '../../tensor';
import type { Task, TaskConfig, TaskContext, TaskMetrics, TaskSession } from '../task';
import { loadSpringsData, type SpringsSplit } from './data';
import { Nri } from './model';
import { nriPicture } from './picture';
import { framesOf, springsSettings } from './springs';
import { evaluateNri } from './train';

/** The estimators NRI trains with: those that draw one sample of the edges. */
const NRI_ESTIMATORS = ESTIMATORS.filter(isPathwise);

interface NriConfig extends TaskConfig {
  hidden: number;
  tau: number;
  hard: boolean;
  estimator: string;
  variance: number;
  trainSims: number;
  validSims: number;
  testSims: number;
  frames?: number;
  dataSeed: number;
  shuffle: boolean;
  cache?: string;
}

const isDict = (v: unknown): v is Record<string, Loaded> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);

class NriSession implements TaskSession {
  readonly stepsPerEpoch: number;
  readonly #c: NriConfig;
  readonly #device: Device;
  readonly #model: Nri;
  readonly #opt: Adam;
  readonly #train: SpringsSplit;
  readonly #valid: SpringsSplit;
  readonly #test: SpringsSplit;
  #order?: Tensor;

  constructor(c: NriConfig, ctx: TaskContext) {
    this.#c = c;
    this.#device = ctx.device;
    const settings = springsSettings();
    const all = framesOf(settings);
    if (c.frames !== undefined && c.frames > all) throw new RangeError(`--frames ${c.frames}: the simulations have ${all} frames`);
    const data = loadSpringsData({
      train: c.trainSims,
      valid: c.validSims,
      test: c.testSims,
      seed: c.dataSeed,
      cacheDir: c.cache,
      onProgress: (done, total) => ctx.progress('generating springs simulations', done, total),
    });
    ctx.log(data.cached ? `springs data from the cache ${data.cacheFile}` : `springs data generated (${c.trainSims} / ${c.validSims} / ${c.testSims} simulations)${data.cacheFile ? `, cached in ${data.cacheFile}` : ''}${data.rebuiltBecause ? ` (the cached file was rebuilt: ${data.rebuiltBecause})` : ''}`);
    const frames = c.frames ?? all;
    // Splits on the device, cut to --limit simulations and --frames frames; the generated ones are freed.
    const cut = (s: SpringsSplit, limit?: number): SpringsSplit =>
      scope(() => {
        const n = limit ?? s.features.size(0);
        const out = { features: keep(s.features.narrow(0, 0, n).narrow(2, 0, frames).contiguous().to(this.#device)), edges: keep(s.edges.narrow(0, 0, n).contiguous().to(this.#device)) };
        s.features.dispose();
        s.edges.dispose();
        return out;
      });
    const nTrain = data.train.features.size(0);
    if (c.limit !== undefined && c.limit > nTrain) {
      for (const s of [data.train, data.valid, data.test]) {
        s.features.dispose();
        s.edges.dispose();
      }
      throw new RangeError(`--limit ${c.limit} is larger than the training set: it has ${nTrain} simulations (--train-sims sets how many are generated)`);
    }
    this.#train = cut(data.train, c.limit);
    this.#valid = cut(data.valid);
    this.#test = cut(data.test);
    // The weights come after the data: generating it leaves torch's generator as manualSeed set it.
    this.#model = new Nri({ hidden: c.hidden, frames, particles: settings.particles });
    this.#model.to(this.#device);
    this.#opt = new Adam(this.#model.parameters(), { lr: c.lr });
    this.stepsPerEpoch = Math.ceil(this.#train.features.size(0) / c.batchSize);
  }

  beginEpoch(): void {
    const n = this.#train.features.size(0);
    this.#order?.dispose();
    this.#order = keep(this.#c.shuffle ? randperm(n, { dtype: 'int64' }) : arange(0, n, 1, { dtype: 'int64' }));
  }

  trainStep(_epoch: number, step: number): TaskMetrics {
    const c = this.#c;
    const order = this.#order as Tensor;
    const n = order.size(0);
    const idx = order.narrow(0, step * c.batchSize, Math.min(c.batchSize, n - step * c.batchSize)).to(this.#device);
    const data = this.#train.features.indexSelect(0, idx);
    const relations = this.#train.edges.indexSelect(0, idx);
    const model = this.#model;
    model.train();
    this.#opt.zeroGrad();
    const estimator = c.estimator === 'gumbel-softmax' ? undefined : (c.estimator as (typeof NRI_ESTIMATORS)[number]);
    const out = model.forward(data, { tau: c.tau, hard: c.hard, variance: c.variance, ...(estimator ? { estimator } : {}) });
    out.loss.backward();
    this.#opt.step();
    return noGrad(() => ({
      loss: out.loss.detach(),
      nll: out.nll.detach(),
      kl: out.kl.detach(),
      mse: out.output.sub(data.narrow(2, 1, data.size(2) - 1)).pow(2).mean(),
      accuracy: out.logits.argmax(-1).eq(relations).double().mean(),
    }));
  }

  evaluate(): TaskMetrics {
    const c = this.#c;
    const out: TaskMetrics = {};
    for (const [name, split] of [['valid', this.#valid], ['test', this.#test]] as const) {
      if (split.features.size(0) === 0) continue;
      const m = evaluateNri(this.#model, split, { batchSize: c.batchSize, tau: c.tau, variance: c.variance });
      out[`${name}.accuracy`] = m.accuracy;
      out[`${name}.nll`] = m.nll;
      out[`${name}.mse`] = m.mse;
    }
    return out;
  }

  picture(): ReturnType<TaskSession['picture']> {
    const s = this.#test.features.size(0) ? this.#test : this.#train;
    return [nriPicture(this.#model, s.features, s.edges)];
  }

  stateDict(): Record<string, Saveable> {
    // Adam's state_dict is tensors, numbers and lists in PyTorch's layout: torch.save writes it as is.
    const state: Record<string, Saveable> = { model: this.#model.stateDict(), optimizer: this.#opt.stateDict() as unknown as Saveable };
    if (this.#order) state.order = this.#order;
    return state;
  }

  loadStateDict(state: Record<string, Loaded>): void {
    const { model, optimizer, order } = state;
    if (!isDict(model)) throw new Error("the checkpoint's state has no 'model' dict");
    if (!isDict(optimizer) || !isDict(optimizer.state) || !Array.isArray(optimizer.param_groups)) throw new Error("the checkpoint's state has no Adam 'optimizer' (state, param_groups)");
    this.#model.loadStateDict(model as Record<string, Tensor>);
    this.#opt.loadStateDict(optimizer as unknown as AdamStateDict);
    this.#opt.lr = this.#c.lr; // the saved run's lr came with the state; a resume may change it
    if (order !== undefined && order !== null) {
      const n = this.#train.features.size(0);
      if (!(order instanceof Tensor) || order.dtype !== 'int64' || order.ndim !== 1 || order.size(0) !== n) throw new Error(`the checkpoint's data order must be an int64 tensor of ${n} indices`);
      this.#order?.dispose();
      this.#order = keep(order.clone());
    }
  }

  dispose(): void {
    this.#model.dispose();
    this.#order?.dispose();
    for (const s of [this.#train, this.#valid, this.#test]) {
      s.features.dispose();
      s.edges.dispose();
    }
  }
}

export const nriTask: Task = {
  name: 'nri',
  description: 'Neural Relational Inference on generated springs (the tutorial\'s fourth part: 5 particles, hidden 256, tau 0.5, Adam 5e-4, batch 128, 10 epochs)',
  defaults: { epochs: 10, batchSize: 128, lr: 5e-4, logEvery: 10 },
  options: [
    { name: 'hidden', type: 'int', min: 1, default: 256, help: 'hidden width of every MLP of the encoder and decoder' },
    { name: 'tau', type: 'number', positive: true, default: 0.5, help: 'Gumbel-Softmax temperature of the edges', resumable: true },
    { name: 'hard', type: 'boolean', default: false, help: 'straight-through edges in training: one-hot forward, the relaxed gradient backward', resumable: true },
    { name: 'estimator', type: 'string', default: 'gumbel-softmax', choices: NRI_ESTIMATORS, help: 'gradient estimator for the edges (those that draw one sample)', check: (v, c) => (v !== 'gumbel-softmax' && c.hard ? '--hard applies to the Gumbel-Softmax estimator only (st-gumbel is --hard)' : undefined) },
    { name: 'variance', type: 'number', positive: true, default: 5e-5, help: 'variance of the Gaussian likelihood of the rollout' },
    { name: 'trainSims', type: 'int', min: 1, default: 50000, help: 'training simulations generated (cached)' },
    { name: 'validSims', type: 'int', min: 0, default: 10000, help: 'validation simulations generated (cached)' },
    { name: 'testSims', type: 'int', min: 0, default: 10000, help: 'test simulations generated (cached)' },
    { name: 'frames', type: 'int', min: 2, help: 'use the first N of the 49 frames of each simulation (default: all)' },
    { name: 'dataSeed', type: 'int', min: 0, default: 42, help: 'seed of the simulations (generate_dataset.py uses 42)' },
    { name: 'shuffle', type: 'boolean', default: false, help: 'shuffle the training simulations each epoch (the tutorial does not)' },
    { name: 'cache', type: 'string', help: 'folder of generated data sets (default $XDG_CACHE_HOME/gumbel-torch or ~/.cache/gumbel-torch)', check: (v) => (v === '' ? 'must be a non-empty folder path' : undefined), resumable: true },
  ],
  plots: [
    { title: 'NRI on springs: edge accuracy per epoch', yLabel: 'edge accuracy', series: [{ key: 'train.accuracy', label: 'train' }, { key: 'valid.accuracy', label: 'validation' }, { key: 'test.accuracy', label: 'test' }] },
    { title: 'NRI on springs: loss per epoch', yLabel: 'loss (NLL + KL)', series: [{ key: 'train.loss', label: 'train (NLL + KL)' }, { key: 'valid.nll', label: 'validation NLL' }] },
  ],
  banner(c, device) {
    const frames = c.frames ?? 49;
    return `NRI on springs, ${c.trainSims}${c.limit ? ` (first ${c.limit})` : ''} / ${c.validSims} / ${c.testSims} simulations, ${frames} frames, hidden ${c.hidden}, tau ${c.tau}${c.hard ? ', hard (ST)' : ''}, estimator ${c.estimator}, batch ${c.batchSize}, lr ${c.lr}, ${c.epochs} epochs on ${device}`;
  },
  create(config, ctx) {
    return new NriSession(config as NriConfig, ctx);
  },
};
