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
import { Adam, AdamStateDict } from '../optim/adam';
import { cuda, getRngState, manualSeed, noGrad, setRngState } from '../runtime';
import { keep, scope } from '../scope';
import { checkWritableDir, load, save, Saveable } from '../serialize';
import { Device, Tensor } from '../tensor';
import { setFastLinear } from '../fast-linear';
import { setFastCpu } from '../fast-cpu';
import { EpochMetrics, TrainConfig } from './config';
import { DataParallelRun } from '../distributed/training';
import { planResume } from './resume';

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
}

export interface TrainHooks {
  /** `changes`: the settings a resume changed (e.g. 'lr 0.001 -> 0.0005'), all applied. */
  onStart?(info: { device: Device; resumedFrom?: { epoch: number; step: number }; stepsPerEpoch: number; changes?: string[] }): void;
  onProgress?(p: StepProgress): void;
  onEpoch?(m: EpochMetrics): void;
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

export const CHECKPOINT = 'checkpoint.pt';

/** Trains per config; resumes from out/checkpoint.pt when `resume` is set. */
export class Trainer {
  #config: TrainConfig;
  #stop = false;

  constructor(config: TrainConfig) {
    this.#config = config;
  }
  /** The settings in force: after a resume, the saved run's merged with the changes given. */
  get config(): TrainConfig {
    return this.#config;
  }

  /** Asks the loop to finish the current step, write a checkpoint and return. */
  requestStop(): void {
    this.#stop = true;
  }

  /** Whether the weights, and the reconstruction of x, are all finite. */
  private modelFinite(model: CategoricalVAE, x: Tensor, tau: number): boolean {
    return scope(() =>
      noGrad(() => model.parameters().every((p) => p.isfinite().all().item() === true) && model.forward(x, tau).recon.isfinite().all().item() === true),
    );
  }

  /**
   * `resume` continues the run saved in out/checkpoint.pt (an error if there is none). `explicit`
   * names the settings the caller chose (default: all of them); the others come from the checkpoint.
   * A resume that changes the model or the data order is refused (see planResume).
   */
  async run(hooks: TrainHooks = {}, opts: { resume?: boolean; explicit?: ReadonlySet<string> } = {}): Promise<TrainResult> {
    // Inside a data-parallel job (a process group is initialised): see DataParallelRun.
    const par = DataParallelRun.current();
    let c: TrainConfig = { ...this.config, worldSize: par?.worldSize ?? 1 };
    const ckptPath = path.join(c.out, CHECKPOINT);
    let changes: string[] | undefined;
    if (opts.resume) {
      if (!fs.existsSync(ckptPath)) throw new Error(`nothing to resume: no checkpoint at ${ckptPath} (train without --resume to start a new run)`);
      const { saved, midEpoch } = scope(() => {
        const ck = load(ckptPath) as Record<string, unknown> | null;
        if (!ck || typeof ck !== 'object' || typeof ck.config !== 'string') throw new Error(`${ckptPath}: not a gumbel-torch training checkpoint (no 'config' entry)`);
        const cfg = JSON.parse(ck.config) as Partial<TrainConfig>;
        // Checkpoints from before worldSize was recorded: a job's has one generator row per rank.
        const rows = ck.rngStates instanceof Tensor && ck.rngStates.ndim === 2 ? ck.rngStates.shape[0] : 1;
        return { saved: { ...cfg, worldSize: cfg.worldSize ?? rows }, midEpoch: typeof ck.step === 'number' && ck.step > 0 };
      });
      ({ config: c, changes } = planResume(saved, c, opts.explicit ?? new Set(Object.keys(c)), ckptPath, { midEpoch }));
    }
    this.#config = c;
    const device = par ? par.device(resolveDevice(c.device)) : resolveDevice(c.device);
    const estimator = trainingEstimator(c);
    checkWritableDir(c.out, 'train (--out)'); // before any epoch is spent
    manualSeed(c.seed);
    if (c.fastLinear !== undefined) setFastLinear(c.fastLinear);
    if (c.fast !== undefined) setFastCpu(c.fast);
    const model = new CategoricalVAE({ latents: c.latents, categories: c.categories, reluLogits: c.reluLogits });
    model.to(device);
    const ddp = par?.wrap(model, c.seed);
    const opt = new Adam(model.parameters(), { lr: c.lr });
    const train = loadImages('train', { dir: c.data, device, limit: c.limit });
    const test = loadImages('t10k', { dir: c.data, device, limit: c.limit === undefined ? undefined : Math.max(c.batchSize, Math.floor(c.limit / 6)) });
    const sampler = par?.sampler(train.shape[0], c.seed);
    const loader = new DataLoader(train, { batchSize: c.batchSize, shuffle: !sampler, sampler });
    const testLoader = new DataLoader(test, { batchSize: c.batchSize, shuffle: false, sampler: par?.evalSampler(test.shape[0], device) });
    const schedule = new TemperatureSchedule({ tau0: c.temp, rate: c.annealRate, every: c.annealEvery, tauMin: Math.min(c.tauMin, c.temp) });
    const n = train.shape[0];
    // Samples behind the sums after `step` steps of an epoch (all ranks'; a sampler pads to divide evenly).
    const seenAfter = (step: number): number => (sampler ? sampler.numReplicas * Math.min(step * c.batchSize, sampler.numSamples) : Math.min(step * c.batchSize, n));
    const overRanks = (values: number[]): number[] => (par ? par.reduce(values) : values);

    let metrics: EpochMetrics[] = [];
    let startEpoch = 1;
    let startStep = 0;
    let globalStep = 0;
    let order: Tensor | undefined;
    const relaxedSum = keep(zeros([], { device, dtype: 'float64' }));
    const unrelaxedSum = keep(zeros([], { device, dtype: 'float64' }));
    let trainSecondsSoFar = 0;

    if (opts.resume) {
      // Everything loaded is copied into the model, optimizer and generators; the scope frees the rest.
      scope(() => {
        const ck = load(ckptPath) as Record<string, unknown>;
        model.loadStateDict(ck.model as Record<string, Tensor>);
        opt.loadStateDict(ck.optimizer as unknown as AdamStateDict);
        opt.lr = c.lr; // the checkpoint holds the saved run's lr; a resume may change it
        metrics = (JSON.parse(ck.metrics as string) as EpochMetrics[]) ?? [];
        startEpoch = ck.epoch as number;
        startStep = ck.step as number;
        globalStep = ck.globalStep as number;
        trainSecondsSoFar = (ck.trainSeconds as number) ?? 0;
        if (startStep > 0) {
          // A job's order follows from (seed, epoch); its sums in the checkpoint are all ranks' (kept by rank 0).
          sampler?.setEpoch(startEpoch - 1);
          order = sampler ? loader.order() : keep((ck.order as Tensor).to(device));
          relaxedSum.fill_(par && !par.primary ? 0 : (ck.relaxedSum as number));
          unrelaxedSum.fill_(par && !par.primary ? 0 : (ck.unrelaxedSum as number));
        }
        // The generators continue exactly where the interrupted run left them.
        const rng = par ? par.myRngState(ck.rngStates, ck.rngState) : ck.rngState instanceof Tensor ? ck.rngState : DataParallelRun.rowOf(ck.rngStates, 0);
        if (rng instanceof Tensor) setRngState(rng);
        if (ck.cudaRngState instanceof Tensor && device.startsWith('cuda')) setRngState(ck.cudaRngState, device);
      });
    }
    par?.checkSame([startEpoch, startStep, globalStep], 'where training resumes');
    hooks.onStart?.({ device, resumedFrom: opts.resume && startEpoch > 1 || startStep > 0 ? { epoch: startEpoch, step: startStep } : undefined, stepsPerEpoch: loader.length, changes });

    const writeCheckpoint = (epoch: number, step: number): void =>
      scope(() => {
        const obj: Saveable = {
          model: model.stateDict(),
          optimizer: opt.stateDict() as unknown as Saveable, // PyTorch's layout: Python's Adam.load_state_dict reads it
          epoch,
          step,
          globalStep,
          trainSeconds: trainSecondsSoFar,
          config: JSON.stringify(c),
          metrics: JSON.stringify(metrics),
          ...(par ? { rngStates: par.rngStates() } : { rngState: getRngState() }),
          ...(cudaRngState() ?? {}),
          ...(step > 0 && order ? { order, ...midEpochSums() } : {}),
        };
        if (!par || par.primary) save(obj, ckptPath);
      });

    const midEpochSums = (): { relaxedSum: number; unrelaxedSum: number } => {
      const [r, u] = overRanks([relaxedSum.item() as number, unrelaxedSum.item() as number]);
      return { relaxedSum: r, unrelaxedSum: u };
    };
    // The CUDA generator's state, when training there; a checkpoint without it still resumes, only
    // without the exact CUDA random stream, so a failure to read it must not cost the checkpoint.
    const cudaRngState = (): { cudaRngState: Tensor } | undefined => {
      if (!device.startsWith('cuda')) return undefined;
      try {
        return { cudaRngState: getRngState(device) };
      } catch (e) {
        process.emitWarning(`gumbel-torch: CUDA generator state not saved (${(e as Error).message})`);
        return undefined;
      }
    };
    const keptNote = (): string =>
      fs.existsSync(ckptPath) ? `the last good checkpoint ${ckptPath} was kept (lower --lr and --resume)` : 'no checkpoint had been written yet (lower --lr)';
    const finish = (stopped: TrainResult['stopped'], message?: string): TrainResult => {
      relaxedSum.dispose();
      unrelaxedSum.dispose();
      order?.dispose();
      ddp?.dispose();
      train.dispose();
      test.dispose();
      return { metrics, stopped, checkpoint: ckptPath, model, device, message };
    };

    for (let epoch = startEpoch; epoch <= c.epochs; epoch++) {
      model.train();
      sampler?.setEpoch(epoch - 1);
      if (!order) {
        order = loader.order();
        relaxedSum.zero_();
        unrelaxedSum.zero_();
      }
      cuda.synchronize();
      const t0 = process.hrtime.bigint();
      let tau = schedule.at(globalStep);
      const steps = loader.length;
      let step = startStep;
      startStep = 0;
      const batchIter = loader.batches(order);
      for (let s = 0; s < step; s++) batchIter.next().value?.dispose(); // skip batches done before the checkpoint
      for (; step < steps; ) {
        const x = batchIter.next().value as Tensor;
        tau = schedule.at(globalStep);
        let failure: Error | undefined;
        try {
          scope(() => {
          const b = x.shape[0];
          opt.zeroGrad();
          const loss = estimatorStepLoss(model, x, tau, estimator);
          loss.backward();
          opt.step();
          relaxedSum.add_(loss.detach().to('float64').mul(b));
          noGrad(() => {
            const ev = model.forward(x, tau, { evaluate: true });
            unrelaxedSum.add_(model.loss(ev.recon, x, ev.qy).to('float64').mul(b));
          });
          });
        } catch (e) {
          failure = e as Error;
        }
        // Non-finite weights or activations make BCE reject its input before any loss is read.
        const nonFinite = failure !== undefined && !this.modelFinite(model, x, tau);
        x.dispose();
        if (nonFinite) {
          batchIter.return(undefined);
          return finish('non-finite', `the model became non-finite at epoch ${epoch}, step ${step + 1} (${failure?.message}); training stopped; ${keptNote()}`);
        }
        if (failure) throw failure;
        step++;
        globalStep++;
        const last = step === steps;
        // In a job every rank must take the same branch here: Ctrl-C is agreed at the reads.
        if (step % c.logEvery === 0 || last || (this.#stop && !par)) {
          const seen = seenAfter(step);
          const [rSum, uSum, stop] = overRanks([relaxedSum.item() as number, unrelaxedSum.item() as number, this.#stop ? 1 : 0]);
          if (stop) this.#stop = true;
          const relaxed = rSum / seen;
          const unrelaxed = uSum / seen;
          if (!Number.isFinite(relaxed) || !Number.isFinite(unrelaxed)) {
            batchIter.return(undefined);
            return finish('non-finite', `the loss became non-finite at epoch ${epoch}, step ${step} (relaxed ${relaxed}, unrelaxed ${unrelaxed}); training stopped; ${keptNote()}`);
          }
          hooks.onProgress?.({ epoch, step, stepsPerEpoch: steps, seen, globalStep, relaxed, unrelaxed, tau });
          await turn(); // lets Ctrl-C and finalizers run
          if ((par ? stop > 0 : this.#stop) && !last) {
            trainSecondsSoFar += Number(process.hrtime.bigint() - t0) / 1e9;
            batchIter.return(undefined);
            writeCheckpoint(epoch, step);
            return finish('interrupted');
          }
        }
      }
      cuda.synchronize();
      const t1 = process.hrtime.bigint();
      const [relaxedAll, unrelaxedAll] = overRanks([relaxedSum.item() as number, unrelaxedSum.item() as number]);
      const relaxed = relaxedAll / seenAfter(steps);
      const unrelaxed = unrelaxedAll / seenAfter(steps);
      order.dispose();
      order = undefined;
      // Test epoch: evaluate-mode loss.
      model.eval();
      const testSum = keep(zeros([], { device, dtype: 'float64' }));
      noGrad(() => {
        for (const x of testLoader.batches()) {
          scope(() => {
            const ev = model.forward(x, tau, { evaluate: true });
            testSum.add_(model.loss(ev.recon, x, ev.qy).to('float64').mul(x.shape[0]));
          });
          x.dispose();
        }
      });
      const testLoss = overRanks([testSum.item() as number])[0] / test.shape[0];
      testSum.dispose();
      const t2 = process.hrtime.bigint();
      const m: EpochMetrics = { epoch, relaxed, unrelaxed, test: testLoss, trainSeconds: trainSecondsSoFar + Number(t1 - t0) / 1e9, testSeconds: Number(t2 - t1) / 1e9, tau, estimator: estimator.name };
      trainSecondsSoFar = 0;
      metrics.push(m);
      hooks.onEpoch?.(m);
      writeCheckpoint(epoch + 1, 0);
      if ((par ? par.any(this.#stop) : this.#stop) && epoch < c.epochs) return finish('interrupted');
    }
    return finish('done');
  }
}
