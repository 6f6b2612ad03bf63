// Neural Relational Inference (Kipf et al. 2018) as the tutorial's graphs part builds it: an MLP encoder
// from whole trajectories to logits over edge types of every directed pair, Gumbel-Softmax edges, and an
// MLP decoder that rolls the system out from its first state with messages along edges of type 1.
// Module and parameter names are the tutorial's, so state dicts load in either direction.
import { checkInt, checkNumber, checkOptions } from '../../check';
import { zeros } from '../../creation';
import { cat, stack } from '../../functional';
import { gumbelSoftmax } from '../../gumbel';
import { checkEstimator, ESTIMATORS, type EstimatorName, isPathwise, sampleWith } from '../../estimators/registry';
import { elu } from '../../nn/activation';
import { BatchNorm1d } from '../../nn/batchnorm';
import { constant_, xavierNormal_ } from '../../nn/init';
import { Linear } from '../../nn/linear';
import { Module } from '../../nn/module';
import { noGrad } from '../../runtime';
import { keep, scope } from '../../scope';
import type { Device, Tensor } from '../../tensor';

export interface NriShape {
  /** Particles (graph nodes). */
  particles: number;
  /** Frames per trajectory. */
  frames: number;
  /** Features per particle and frame (position and velocity: 4). */
  dims: number;
  /** Hidden width of every MLP. */
  hidden: number;
  /** Edge types (type 0: no interaction). */
  edgeTypes: number;
}

export const NRI_DEFAULTS: Readonly<NriShape> = Object.freeze({ particles: 5, frames: 49, dims: 4, hidden: 256, edgeTypes: 2 });

/** The one-hot receiver and sender of each directed pair (i receives from j), in row-major order of (i, j), i != j. */
export function relationMatrices(particles: number): { rec: Tensor<'float32'>; send: Tensor<'float32'> } {
  const pairs: [number, number][] = [];
  for (let i = 0; i < particles; i++) for (let j = 0; j < particles; j++) if (i !== j) pairs.push([i, j]);
  const rec = zeros([pairs.length, particles]);
  const send = zeros([pairs.length, particles]);
  noGrad(() =>
    pairs.forEach(([i, j], e) => {
      scope(() => {
        rec.select(0, e).select(0, i).fill_(1);
        send.select(0, e).select(0, j).fill_(1);
      });
    }),
  );
  return { rec, send };
}

/** Linear-ELU-Linear-ELU-BatchNorm1d over [B, things, features] (batch norm over B * things rows). */
export class NriMlp extends Module {
  constructor(nIn: number, nHid: number, nOut: number) {
    super();
    this.registerModule('fc1', new Linear(nIn, nHid));
    this.registerModule('fc2', new Linear(nHid, nOut));
    this.registerModule('bn', new BatchNorm1d(nOut));
    initLinears([this.fc1, this.fc2]);
  }
  get fc1(): Linear {
    return this.child('fc1') as Linear;
  }
  get fc2(): Linear {
    return this.child('fc2') as Linear;
  }
  get bn(): BatchNorm1d {
    return this.child('bn') as BatchNorm1d;
  }
  forward(x: Tensor): Tensor {
    return scope(() => {
      const h = elu(this.fc2.forward(elu(this.fc1.forward(x))));
      const [b, n] = h.shape;
      return this.bn.forward(h.reshape([b * n, -1])).reshape([b, n, -1]);
    });
  }
}

/** The tutorial's init_weights: xavier_normal_ weights, biases 0.1 (drawn in its order). */
function initLinears(ls: Linear[]): void {
  for (const l of ls) {
    xavierNormal_(l.weight);
    constant_(l.bias as Tensor, 0.1);
  }
}

/**
 * What the encoder and the decoder share: the shape, and the receiver/sender matrices of the directed
 * pairs (not parameters: made once, kept on each device they are used on, freed with the module).
 */
abstract class NriRelational extends Module {
  readonly shape: NriShape;
  readonly #rel = new Map<string, { rec: Tensor; send: Tensor }>();
  constructor(shape: NriShape) {
    super();
    this.shape = shape;
    const r = relationMatrices(shape.particles);
    this.#rel.set('cpu', { rec: keep(r.rec), send: keep(r.send) });
  }
  /** The relation matrices on `device` (copied there once). */
  protected relations(device: Device): { rec: Tensor; send: Tensor } {
    let r = this.#rel.get(device);
    if (!r) {
      const cpu = this.#rel.get('cpu') as { rec: Tensor; send: Tensor };
      r = { rec: keep(cpu.rec.to(device)), send: keep(cpu.send.to(device)) };
      this.#rel.set(device, r);
    }
    return r;
  }
  override dispose(): void {
    super.dispose();
    this.releaseRelations();
  }
  /** Frees the relation matrices (Module.dispose frees parameters only, without calling children's dispose). */
  releaseRelations(): void {
    for (const r of this.#rel.values()) {
      r.rec.dispose();
      r.send.dispose();
    }
    this.#rel.clear();
  }
}

export class NriEncoder extends NriRelational {
  constructor(shape: NriShape) {
    super(shape);
    const h = shape.hidden;
    this.registerModule('mlp1', new NriMlp(shape.frames * shape.dims, h, h));
    this.registerModule('mlp2', new NriMlp(h * 2, h, h));
    this.registerModule('mlp3', new NriMlp(h, h, h));
    this.registerModule('mlp4', new NriMlp(h * 3, h, h));
    this.registerModule('fc_out', new Linear(h, shape.edgeTypes));
    // The tutorial initialises every Linear below it again, in module order.
    initLinears([...this.namedModules()].map(([, m]) => m).filter((m): m is Linear => m instanceof Linear));
  }
  mlp(i: 1 | 2 | 3 | 4): NriMlp {
    return this.child(`mlp${i}`) as NriMlp;
  }
  /** [B, n, frames, dims] -> edge-type logits [B, n (n - 1), edgeTypes]. */
  forward(inputs: Tensor): Tensor {
    return scope(() => {
      const [b, n] = inputs.shape;
      const { rec, send } = this.relations(inputs.device);
      const nodeToEdge = (x: Tensor): Tensor => cat([send.matmul(x), rec.matmul(x)], 2);
      let x = this.mlp(1).forward(inputs.reshape([b, n, -1]));
      x = this.mlp(2).forward(nodeToEdge(x));
      const skip = x;
      // edge -> node: incoming messages summed, divided by the number of particles (as the tutorial).
      x = rec.t().matmul(x).div(n);
      x = this.mlp(3).forward(x);
      x = this.mlp(4).forward(cat([nodeToEdge(x), skip], 2));
      return (this.child('fc_out') as Linear).forward(x);
    });
  }
}

export class NriDecoder extends NriRelational {
  constructor(shape: NriShape) {
    super(shape);
    const h = shape.hidden;
    const d = shape.dims;
    this.registerModule('msg_fc1', new Linear(2 * d, h));
    this.registerModule('msg_fc2', new Linear(h, h));
    this.registerModule('out_fc1', new Linear(d + h, h));
    this.registerModule('out_fc2', new Linear(h, h));
    this.registerModule('out_fc3', new Linear(h, d));
  }
  #fc(name: string): Linear {
    return this.child(name) as Linear;
  }
  /** One step: state [B, n, dims] and edges [B, E, types] -> next state; messages only along type-1 edges. */
  step(x: Tensor, edges: Tensor): Tensor {
    return scope(() => {
      const { rec, send } = this.relations(x.device);
      const preMsg = cat([send.matmul(x), rec.matmul(x)], -1);
      let msg = this.#fc('msg_fc1').forward(preMsg).relu();
      msg = this.#fc('msg_fc2').forward(msg).relu();
      msg = msg.mul(edges.narrow(-1, 1, 1));
      const aggregated = msg.transpose(-2, -1).matmul(rec).transpose(-2, -1);
      let pred = this.#fc('out_fc1').forward(cat([x, aggregated], -1)).relu();
      pred = this.#fc('out_fc2').forward(pred).relu();
      return x.add(this.#fc('out_fc3').forward(pred));
    });
  }
  /**
   * Rolls the system out from its first frame: [B, n, frames, dims] and edges -> predictions of frames
   * 1..frames-1, [B, n, frames - 1, dims]. (The tutorial computes one more step and drops it.)
   */
  forward(inputs: Tensor, edges: Tensor, steps = inputs.size(2) - 1): Tensor {
    checkInt(steps, 'steps', 1, inputs.size(2) - 1);
    return scope(() => {
      let state = inputs.select(2, 0);
      const preds: Tensor[] = [];
      for (let s = 0; s < steps; s++) {
        state = this.step(state, edges);
        preds.push(state);
      }
      return stack(preds, 2);
    });
  }
}

export interface NriLossOptions {
  /** Variance of the Gaussian likelihood; default 5e-5. */
  variance?: number;
}

/** The tutorial's nll_gaussian: sum((pred - target)^2 / (2 variance)) / (B n). */
export function nllGaussian(pred: Tensor, target: Tensor, variance: number): Tensor {
  return scope(() => pred.sub(target).pow(2).div(2 * variance).sum().div(target.size(0) * target.size(1)));
}

/** The tutorial's kl_categorical_uniform without the constant: sum(p log(p + 1e-16)) / (n B). */
export function klCategoricalUniform(prob: Tensor, particles: number): Tensor {
  return scope(() => prob.mul(prob.add(1e-16).log()).sum().div(particles * prob.size(0)));
}

/** Fraction of directed edges whose most likely type is the true one. */
export function edgeAccuracy(logits: Tensor, relations: Tensor): number {
  return scope(() => logits.argmax(-1).eq(relations).double().mean().item() as number);
}

export interface NriOutput {
  logits: Tensor;
  edges: Tensor;
  output: Tensor;
  nll: Tensor;
  kl: Tensor;
  loss: Tensor;
}

export interface NriForwardOptions {
  /** Gumbel-Softmax temperature; default 0.5. */
  tau?: number;
  /** Straight-through (one-hot) edges; default false in training, as the tutorial. */
  hard?: boolean;
  /** Gumbel noise [B, E, types] to use (parity tests); default: drawn. */
  noise?: Tensor;
  /** Likelihood variance; default 5e-5. */
  variance?: number;
  /**
   * A gradient estimator from the suite for the edges (one that draws a sample: not rloo or exact);
   * default: Gumbel-Softmax, straight-through with `hard`. Its tau is `tau`.
   */
  estimator?: EstimatorName;
}

/** Encoder, Gumbel-Softmax edges and decoder, with the tutorial's names (encoder.*, decoder.*). */
export class Nri extends Module {
  readonly shape: NriShape;
  constructor(shape: Partial<NriShape> = {}) {
    super();
    const s = { ...NRI_DEFAULTS, ...checkOptions(shape, 'Nri shape', ['particles', 'frames', 'dims', 'hidden', 'edgeTypes']) };
    checkInt(s.particles, 'particles', 2);
    checkInt(s.frames, 'frames', 2);
    checkInt(s.dims, 'dims', 1);
    checkInt(s.hidden, 'hidden', 1);
    checkInt(s.edgeTypes, 'edgeTypes', 2);
    this.shape = s;
    this.registerModule('encoder', new NriEncoder(s));
    this.registerModule('decoder', new NriDecoder(s));
  }
  get encoder(): NriEncoder {
    return this.child('encoder') as NriEncoder;
  }
  get decoder(): NriDecoder {
    return this.child('decoder') as NriDecoder;
  }
  override dispose(): void {
    super.dispose();
    this.encoder.releaseRelations();
    this.decoder.releaseRelations();
  }

  /** data [B, n, frames, dims] -> the tutorial's training quantities (loss = nll + kl). */
  forward(data: Tensor, opts?: NriForwardOptions): NriOutput {
    const o = checkOptions(opts, 'Nri.forward options', ['tau', 'hard', 'noise', 'variance', 'estimator']);
    if (o.estimator !== undefined && (o.hard || o.noise)) throw new TypeError('Nri.forward: estimator draws its own sample: hard and noise apply to the default Gumbel-Softmax only');
    if (o.estimator !== undefined && !isPathwise(checkEstimator(o.estimator).name)) throw new TypeError(`Nri.forward: estimator '${o.estimator}' needs the loss evaluated for many samples; NRI takes an estimator that draws one sample (${ESTIMATORS.filter(isPathwise).join(', ')})`);
    const { particles, frames, dims } = this.shape;
    if (data.ndim !== 4 || data.size(1) !== particles || data.size(2) !== frames || data.size(3) !== dims)
      throw new RangeError(`Nri: expected data of shape [B, ${particles}, ${frames}, ${dims}], got [${data.shape}]`);
    const variance = checkNumber(o.variance ?? 5e-5, 'variance', { finite: true, positive: true });
    return scope(() => {
      const logits = this.encoder.forward(data);
      const tau = o.tau ?? 0.5;
      const edges = o.estimator === undefined ? gumbelSoftmax(logits, { tau, hard: o.hard ?? false, noise: o.noise }) : sampleWith(logits, { name: o.estimator, tau });
      const output = this.decoder.forward(data, edges);
      const nll = nllGaussian(output, data.narrow(2, 1, frames - 1), variance);
      const kl = klCategoricalUniform(logits.softmax(-1), particles);
      const loss = nll.add(kl);
      return { logits, edges, output, nll, kl, loss };
    });
  }
}
