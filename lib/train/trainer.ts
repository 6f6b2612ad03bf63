// The seed's train/test loop: relaxed loss, the unrelaxed (evaluate-mode) loss on the same batch
// after each step, and the evaluate-mode test loss per epoch. Losses accumulate on the device and
// are read back only at progress updates, so the loop does not synchronise with the host every step.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zeros } from '../creation';
import { TemperatureSchedule } from '../gumbel';
import { DataLoader } from '../data/dataloader';
import { loadImages } from '../data/mnist';
import { CategoricalVAE } from '../models/categorical-vae';
import { estimatorStepLoss, trainingEstimator } from './estimator-step';
import { Adam } from '../optim/adam';
import { cuda, getRngState, manualSeed, noGrad, setRngState } from '../runtime';
import { keep, scope } from '../scope';
import { checkWritableDir } from '../serialize';
import { type Device, Tensor } from '../tensor';
import { setFastLinear } from '../fast-linear';
import { setFastCpu } from '../fast-cpu';
import { checkTrainConfig, type EpochMetrics, type TrainConfig } from './config';
import { DataParallelRun } from '../distributed/training';
import { planResume } from './resume';
import type { EstimatorSpec } from '../estimators';
import type { DistributedDataParallel } from '../distributed/ddp';
import type { DistributedSampler } from '../distributed/sampler';
import type { Module } from '../nn/module';
import { CHECKPOINT, readCheckpoint, writeCheckpoint, type TrainingCheckpoint } from './checkpoint';

export { CHECKPOINT };

export interface StepProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Training images seen this epoch, and steps since the run's start (for per-step logs). */
  seen: number;
  globalStep: number;
  relaxed: number;
  unrelaxed: number;
  tau: number;
  /** With hooks.gradNorm: the mean over the steps since the last update of the gradients' global L2 norm. */
  gradNorm?: number;
}

/** What an epoch's end hands to onEpoch besides the metrics: the model, for pictures (TensorBoard). */
export interface EpochContext {
  model: CategoricalVAE;
  device: Device;
  tau: number;
}

export interface TrainHooks {
  /** Measure the gradients' global L2 norm each step (on the device; read at progress updates). */
  gradNorm?: boolean;
  /** `changes`: the settings a resume changed (e.g. 'lr 0.001 -> 0.0005'), all applied. */
  onStart?(info: { device: Device; resumedFrom?: { epoch: number; step: number }; stepsPerEpoch: number; changes?: string[] }): void;
  onProgress?(p: StepProgress): void;
  onEpoch?(m: EpochMetrics, ctx: EpochContext): void;
}

export interface TrainResult {
  metrics: EpochMetrics[];
  stopped: 'done' | 'interrupted' | 'non-finite';
  checkpoint: string;
  model: CategoricalVAE;
  device: Device;
  message?: string;
}

export function resolveDevice(d: Device | 'auto'): Device {
  if (d === 'auto') return cuda.isAvailable() ? 'cuda' : 'cpu';
  if (d.startsWith('cuda') && !cuda.isAvailable()) throw new Error(`device '${d}' was asked for, but CUDA is not available (torch.diagnostics() says why)`);
  return d;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** How an epoch ended early: what run() returns. */
interface EarlyEnd {
  stopped: 'interrupted' | 'non-finite';
  message?: string;
}
/** A finished epoch's training figures. */
interface EpochTraining {
  relaxed: number;
  unrelaxed: number;
  tau: number;
  trainSeconds: number;
}
/** The Trainer's stop request, as the steps see it: read it, or record that the ranks agreed on one. */
interface StopFlag {
  requested(): boolean;
  agree(): void;
}

/** One run's state: what setup builds, resume restores, and the epochs advance. */
class Run {
  readonly par = DataParallelRun.current();
  readonly device: Device;
  readonly estimator: EstimatorSpec;
  readonly model: CategoricalVAE;
  readonly ddp: DistributedDataParallel<Module> | undefined;
  readonly opt: Adam;
  readonly train: Tensor;
  readonly test: Tensor;
  readonly sampler: DistributedSampler | undefined;
  readonly loader: DataLoader;
  readonly testLoader: DataLoader;
  readonly schedule: TemperatureSchedule;
  metrics: EpochMetrics[] = [];
  startEpoch = 1;
  startStep = 0;
  globalStep = 0;
  /** The current epoch's batch order, from its start until it ends (kept across a mid-epoch resume). */
  order: Tensor | undefined;
  readonly relaxedSum: Tensor;
  readonly unrelaxedSum: Tensor;
  trainSecondsSoFar = 0;
  /** Sum of the steps' gradient norms since the last progress read, when asked for (hooks.gradNorm). */
  gradNormSum: Tensor | undefined;
  gradNormSteps = 0;

  /** Setup: device, seed, model, optimizer, data (in this order: the seed decides the weights). */
  constructor(
    readonly c: TrainConfig,
    readonly ckptPath: string,
  ) {
    // Inside a data-parallel job (a process group is initialised): see DataParallelRun.
    const par = this.par;
    this.device = par ? par.device(resolveDevice(c.device)) : resolveDevice(c.device);
    const device = this.device;
    this.estimator = trainingEstimator(c);
    checkWritableDir(c.out, 'train (--out)'); // before any epoch is spent
    manualSeed(c.seed);
    if (c.fastLinear !== undefined) setFastLinear(c.fastLinear);
    if (c.fast !== undefined) setFastCpu(c.fast);
    this.model = new CategoricalVAE({ latents: c.latents, categories: c.categories, reluLogits: c.reluLogits });
    this.model.to(device);
    this.ddp = par?.wrap(this.model, c.seed);
    this.opt = new Adam(this.model.parameters(), { lr: c.lr });
    this.train = loadImages('train', { dir: c.data, device, limit: c.limit });
    this.test = loadImages('t10k', { dir: c.data, device, limit: c.limit === undefined ? undefined : Math.max(c.batchSize, Math.floor(c.limit / 6)) });
    this.sampler = par?.sampler(this.train.shape[0], c.seed);
    this.loader = new DataLoader(this.train, { batchSize: c.batchSize, shuffle: !this.sampler, sampler: this.sampler });
    this.testLoader = new DataLoader(this.test, { batchSize: c.batchSize, shuffle: false, sampler: par?.evalSampler(this.test.shape[0], device) });
    this.schedule = new TemperatureSchedule({ tau0: c.temp, rate: c.annealRate, every: c.annealEvery, tauMin: Math.min(c.tauMin, c.temp) });
    this.relaxedSum = keep(zeros([], { device, dtype: 'float64' }));
    this.unrelaxedSum = keep(zeros([], { device, dtype: 'float64' }));
  }

  /** Samples behind the sums after `step` steps of an epoch (all ranks'; a sampler pads to divide evenly). */
  seenAfter(step: number): number {
    const { sampler, c } = this;
    return sampler ? sampler.numReplicas * Math.min(step * c.batchSize, sampler.numSamples) : Math.min(step * c.batchSize, this.train.shape[0]);
  }
  overRanks(values: number[]): number[] {
    return this.par ? this.par.reduce(values) : values;
  }
  sums(): number[] {
    return [this.relaxedSum.item() as number, this.unrelaxedSum.item() as number];
  }

  /** Continues the saved run: model, optimizer, position, sums and generators as they were. */
  resume(): void {
    const { par, device, sampler } = this;
    // Everything loaded is copied into the model, optimizer and generators; the scope frees the rest.
    scope(() => {
      const ck = readCheckpoint(this.ckptPath);
      this.model.loadStateDict(ck.model);
      this.opt.loadStateDict(ck.optimizer);
      this.opt.lr = this.c.lr; // the checkpoint holds the saved run's lr; a resume may change it
      this.metrics = ck.metrics;
      this.startEpoch = ck.epoch;
      this.startStep = ck.step;
      this.globalStep = ck.globalStep;
      this.trainSecondsSoFar = ck.trainSeconds;
      if (this.startStep > 0) {
        // A job's order follows from (seed, epoch); its sums in the checkpoint are all ranks' (kept by rank 0).
        sampler?.setEpoch(this.startEpoch - 1);
        if (sampler) this.order = this.loader.order();
        else if (ck.order) this.order = keep(ck.order.to(device));
        else throw new Error(`${this.ckptPath}: not a valid gumbel-torch training checkpoint: a mid-epoch checkpoint without 'order'`);
        this.relaxedSum.fill_(par && !par.primary ? 0 : (ck.relaxedSum ?? 0));
        this.unrelaxedSum.fill_(par && !par.primary ? 0 : (ck.unrelaxedSum ?? 0));
      }
      // The generators continue exactly where the interrupted run left them.
      const rng = par ? par.myRngState(ck.rngStates, ck.rngState) : (ck.rngState ?? DataParallelRun.rowOf(ck.rngStates, 0));
      if (rng instanceof Tensor) setRngState(rng);
      if (ck.cudaRngState && device.startsWith('cuda')) setRngState(ck.cudaRngState, device);
    });
  }

  /** One optimisation step on x; the error it threw, if any. */
  trainStep(x: Tensor, tau: number): Error | undefined {
    const { model, opt } = this;
    try {
      scope(() => {
        const b = x.shape[0];
        opt.zeroGrad();
        const loss = estimatorStepLoss(model, x, tau, this.estimator);
        loss.backward();
        if (this.gradNormSum) {
          const sq = model.parameters().map((p) => (p.grad ? p.grad.detach().pow(2).sum().to('float64') : zeros([], { device: this.device, dtype: 'float64' })));
          this.gradNormSum.add_(sq.reduce((a, b) => a.add(b)).sqrt());
          this.gradNormSteps++;
        }
        opt.step();
        this.relaxedSum.add_(loss.detach().to('float64').mul(b));
        noGrad(() => {
          const ev = model.forward(x, tau, { evaluate: true });
          this.unrelaxedSum.add_(model.loss(ev.recon, x, ev.qy).to('float64').mul(b));
        });
      });
      return undefined;
    } catch (e) {
      return e as Error;
    }
  }

  /** Whether the weights, and the reconstruction of x, are all finite. */
  modelFinite(x: Tensor, tau: number): boolean {
    const model = this.model;
    return scope(() =>
      noGrad(() => model.parameters().every((p) => p.isfinite().all().item() === true) && model.forward(x, tau).recon.isfinite().all().item() === true),
    );
  }

  /** The training half of an epoch (from startStep on a resume); an EarlyEnd when it stopped early. */
  async trainEpoch(epoch: number, hooks: TrainHooks, stop: StopFlag): Promise<EpochTraining | EarlyEnd> {
    const { par, c, loader, schedule } = this;
    this.model.train();
    this.sampler?.setEpoch(epoch - 1);
    if (!this.order) {
      this.order = loader.order();
      this.relaxedSum.zero_();
      this.unrelaxedSum.zero_();
    }
    cuda.synchronize();
    const t0 = process.hrtime.bigint();
    let tau = schedule.at(this.globalStep);
    const steps = loader.length;
    let step = this.startStep;
    this.startStep = 0;
    const batchIter = loader.batches(this.order);
    for (let s = 0; s < step; s++) batchIter.next().value?.dispose(); // skip batches done before the checkpoint
    for (; step < steps; ) {
      const x = batchIter.next().value as Tensor;
      tau = schedule.at(this.globalStep);
      const failure = this.trainStep(x, tau);
      // Non-finite weights or activations make BCE reject its input before any loss is read.
      const nonFinite = failure !== undefined && !this.modelFinite(x, tau);
      x.dispose();
      if (nonFinite) {
        batchIter.return(undefined);
        return { stopped: 'non-finite', message: `the model became non-finite at epoch ${epoch}, step ${step + 1} (${failure?.message}); training stopped; ${this.keptNote()}` };
      }
      if (failure) throw failure;
      step++;
      this.globalStep++;
      const last = step === steps;
      // In a job every rank must take the same branch here: Ctrl-C is agreed at the reads.
      if (step % c.logEvery === 0 || last || (stop.requested() && !par)) {
        const seen = this.seenAfter(step);
        const [rSum, uSum, stopped] = this.overRanks([...this.sums(), stop.requested() ? 1 : 0]);
        if (stopped) stop.agree();
        const relaxed = rSum / seen;
        const unrelaxed = uSum / seen;
        if (!Number.isFinite(relaxed) || !Number.isFinite(unrelaxed)) {
          batchIter.return(undefined);
          return { stopped: 'non-finite', message: `the loss became non-finite at epoch ${epoch}, step ${step} (relaxed ${relaxed}, unrelaxed ${unrelaxed}); training stopped; ${this.keptNote()}` };
        }
        hooks.onProgress?.({ epoch, step, stepsPerEpoch: steps, seen, globalStep: this.globalStep, relaxed, unrelaxed, tau, ...this.readGradNorm() });
        await turn(); // lets Ctrl-C and finalizers run
        if ((par ? stopped > 0 : stop.requested()) && !last) {
          this.trainSecondsSoFar += Number(process.hrtime.bigint() - t0) / 1e9;
          batchIter.return(undefined);
          this.writeCheckpoint(epoch, step);
          return { stopped: 'interrupted' };
        }
      }
    }
    cuda.synchronize();
    const trainSeconds = this.trainSecondsSoFar + Number(process.hrtime.bigint() - t0) / 1e9;
    const [relaxedAll, unrelaxedAll] = this.overRanks(this.sums());
    this.order.dispose();
    this.order = undefined;
    return { relaxed: relaxedAll / this.seenAfter(steps), unrelaxed: unrelaxedAll / this.seenAfter(steps), tau, trainSeconds };
  }

  /** The mean gradient norm since the last read (then restarted), when measured. */
  readGradNorm(): { gradNorm?: number } {
    if (!this.gradNormSum || !this.gradNormSteps) return {};
    const g = (this.gradNormSum.item() as number) / this.gradNormSteps;
    this.gradNormSum.zero_();
    this.gradNormSteps = 0;
    return { gradNorm: g };
  }

  /** The evaluate-mode loss over the test set (all ranks' share). */
  evaluate(tau: number): number {
    const model = this.model;
    model.eval();
    const testSum = keep(zeros([], { device: this.device, dtype: 'float64' }));
    noGrad(() => {
      for (const x of this.testLoader.batches()) {
        scope(() => {
          const ev = model.forward(x, tau, { evaluate: true });
          testSum.add_(model.loss(ev.recon, x, ev.qy).to('float64').mul(x.shape[0]));
        });
        x.dispose();
      }
    });
    const testLoss = this.overRanks([testSum.item() as number])[0] / this.test.shape[0];
    testSum.dispose();
    return testLoss;
  }

  /** Saves where training continues (rank 0 writes; every rank takes part in gathering). */
  writeCheckpoint(epoch: number, step: number): void {
    const { par } = this;
    scope(() => {
      const ck: TrainingCheckpoint = {
        model: this.model.stateDict(),
        optimizer: this.opt.stateDict(),
        epoch,
        step,
        globalStep: this.globalStep,
        trainSeconds: this.trainSecondsSoFar,
        config: this.c,
        metrics: this.metrics,
        ...(par ? { rngStates: par.rngStates() } : { rngState: getRngState() }),
        ...this.cudaRngState(),
        ...(step > 0 && this.order ? { order: this.order, ...this.midEpochSums() } : {}),
      };
      if (!par || par.primary) writeCheckpoint(this.ckptPath, ck);
    });
  }
  midEpochSums(): { relaxedSum: number; unrelaxedSum: number } {
    const [r, u] = this.overRanks(this.sums());
    return { relaxedSum: r, unrelaxedSum: u };
  }
  /**
   * The CUDA generator's state, when training there; a checkpoint without it still resumes, only
   * without the exact CUDA random stream, so a failure to read it must not cost the checkpoint.
   */
  cudaRngState(): { cudaRngState?: Tensor } {
    if (!this.device.startsWith('cuda')) return {};
    try {
      return { cudaRngState: getRngState(this.device) };
    } catch (e) {
      process.emitWarning(`gumbel-torch: CUDA generator state not saved (${(e as Error).message})`);
      return {};
    }
  }
  keptNote(): string {
    return fs.existsSync(this.ckptPath) ? `the last good checkpoint ${this.ckptPath} was kept (lower --lr and --resume)` : 'no checkpoint had been written yet (lower --lr)';
  }

  /** Frees what the run holds (the model goes to the caller) and says how it ended. */
  finish(stopped: TrainResult['stopped'], message?: string): TrainResult {
    this.relaxedSum.dispose();
    this.unrelaxedSum.dispose();
    this.gradNormSum?.dispose();
    this.order?.dispose();
    this.ddp?.dispose();
    this.train.dispose();
    this.test.dispose();
    return { metrics: this.metrics, stopped, checkpoint: this.ckptPath, model: this.model, device: this.device, message };
  }
}

/** Trains per config; resumes from out/checkpoint.pt when `resume` is set. */
export class Trainer {
  #config: TrainConfig;
  #stop = false;

  /** `config` over the defaults (TRAIN_DEFAULTS, those of `gumbel-torch train`), checked as the CLI checks its flags. */
  constructor(config: Partial<TrainConfig> = {}) {
    this.#config = checkTrainConfig(config, 'new Trainer(config)');
  }
  /** The settings in force: after a resume, the saved run's merged with the changes given. */
  get config(): TrainConfig {
    return this.#config;
  }

  /** Asks the loop to finish the current step, write a checkpoint and return. */
  requestStop(): void {
    this.#stop = true;
  }

  /**
   * `resume` continues the run saved in out/checkpoint.pt (an error if there is none). `explicit`
   * names the settings the caller chose (default: all of them); the others come from the checkpoint.
   * A resume that changes the model or the data order is refused (see planResume).
   */
  async run(hooks: TrainHooks = {}, opts: { resume?: boolean; explicit?: ReadonlySet<string> } = {}): Promise<TrainResult> {
    // The job's size is recorded in checkpoints (a resume may not change it mid-epoch).
    this.#config = { ...this.config, worldSize: DataParallelRun.current()?.worldSize ?? 1 };
    const changes = opts.resume ? this.planResume(opts.explicit) : undefined;
    const run = new Run(this.config, path.join(this.config.out, CHECKPOINT));
    if (opts.resume) run.resume();
    if (hooks.gradNorm) run.gradNormSum = keep(zeros([], { device: run.device, dtype: 'float64' }));
    const { par, c } = run;
    par?.checkSame([run.startEpoch, run.startStep, run.globalStep], 'where training resumes');
    const resumed = (opts.resume && run.startEpoch > 1) || run.startStep > 0;
    hooks.onStart?.({ device: run.device, resumedFrom: resumed ? { epoch: run.startEpoch, step: run.startStep } : undefined, stepsPerEpoch: run.loader.length, changes });
    const stop: StopFlag = { requested: () => this.#stop, agree: () => void (this.#stop = true) };

    for (let epoch = run.startEpoch; epoch <= c.epochs; epoch++) {
      const t = await run.trainEpoch(epoch, hooks, stop);
      if ('stopped' in t) return run.finish(t.stopped, t.message);
      const t1 = process.hrtime.bigint();
      const testLoss = run.evaluate(t.tau);
      const testSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
      const m: EpochMetrics = { epoch, relaxed: t.relaxed, unrelaxed: t.unrelaxed, test: testLoss, trainSeconds: t.trainSeconds, testSeconds, tau: t.tau, estimator: run.estimator.name };
      run.trainSecondsSoFar = 0;
      run.metrics.push(m);
      hooks.onEpoch?.(m, { model: run.model, device: run.device, tau: t.tau });
      run.writeCheckpoint(epoch + 1, 0);
      if ((par ? par.any(this.#stop) : this.#stop) && epoch < c.epochs) return run.finish('interrupted');
    }
    return run.finish('done');
  }

  /** Merges the saved run's settings into this one's (see planResume); the changes it made. */
  private planResume(explicit: ReadonlySet<string> | undefined): string[] {
    const c = this.config;
    const ckptPath = path.join(c.out, CHECKPOINT);
    if (!fs.existsSync(ckptPath)) throw new Error(`nothing to resume: no checkpoint at ${ckptPath} (train without --resume to start a new run)`);
    const { saved, midEpoch } = scope(() => {
      const ck = readCheckpoint(ckptPath);
      // Checkpoints from before worldSize was recorded: a job's has one generator row per rank.
      const rows = ck.rngStates && ck.rngStates.ndim === 2 ? ck.rngStates.shape[0] : 1;
      return { saved: { ...ck.config, worldSize: ck.config.worldSize ?? rows }, midEpoch: ck.step > 0 };
    });
    const plan = planResume(saved, c, explicit ?? new Set(Object.keys(c)), ckptPath, { midEpoch });
    this.#config = plan.config;
    return plan.changes;
  }
}
