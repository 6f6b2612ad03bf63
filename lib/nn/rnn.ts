// nn.RNN, nn.GRU, nn.LSTM: PyTorch's parameters (names, shapes, registration order, so the same seed
// draws the same weights), defaults and forward, on ATen's own recurrent functions over the flat
// weight list (native/ops/rnn.cc). Shapes, dtypes and devices are checked here first, naming the module.
import { checkBool, checkInt, checkNumber, checkOptions, describe } from '../check';
import { empty, zeros } from '../creation';
import { native } from '../native';
import type { RnnMode } from '../native-api';
import { noGrad } from '../runtime';
import { fromHandle, Tensor, type TensorOptions } from '../tensor';
import { Module } from './module';

export interface RNNBaseOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** Stacked layers; default 1. */
  numLayers?: number;
  /** Biases bias_ih and bias_hh; default true. */
  bias?: boolean;
  /** Input and output as [batch, seq, feature] instead of [seq, batch, feature]; default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last, in training; default 0. */
  dropout?: number;
  /** Both directions, concatenated; default false. */
  bidirectional?: boolean;
}
export interface RNNOptions extends RNNBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}
export interface LSTMOptions extends RNNBaseOptions {
  /** Project the hidden state to this size (LSTM with projections); default 0: none. */
  projSize?: number;
}

const BASE_KEYS = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype', 'device'] as const;
/** Gates per recurrence: the weights have GATES[mode] * hiddenSize rows. */
export const GATES: Record<RnnMode, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

export const shapeStr = (s: readonly number[]): string => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Checks that t is a live tensor of the module's dtype and device. */
export function checkRnnTensor(t: unknown, what: string, who: string, like: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${who}: ${what} must be a Tensor, got ${describe(t)}`);
  if (t.isDisposed) throw new TypeError(`${who}: ${what} has been disposed`);
  if (t.dtype !== like.dtype) throw new TypeError(`${who}: ${what} has dtype ${t.dtype}, the parameters ${like.dtype} (cast one with .to())`);
  if (t.device !== like.device) throw new TypeError(`${who}: ${what} is on ${t.device}, the parameters on ${like.device}`);
  return t;
}

export abstract class RNNBase extends Module {
  readonly mode: RnnMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** The parameter names in PyTorch's _flat_weights order. */
  readonly #flatNames: string[] = [];

  protected constructor(name: string, mode: RnnMode, inputSize: number, hiddenSize: number, o: RNNBaseOptions & { projSize?: number }) {
    super();
    this.mode = mode;
    this.inputSize = checkInt(inputSize, `${name}: inputSize`, 0);
    this.hiddenSize = checkInt(hiddenSize, `${name}: hiddenSize`, 1);
    this.numLayers = checkInt(o.numLayers ?? 1, `${name}: numLayers`, 1);
    this.bias = checkBool(o.bias ?? true, `${name}: bias`);
    this.batchFirst = checkBool(o.batchFirst ?? false, `${name}: batchFirst`);
    this.dropout = checkNumber(o.dropout ?? 0, `${name}: dropout`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new RangeError(`${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${this.dropout}`);
    this.bidirectional = checkBool(o.bidirectional ?? false, `${name}: bidirectional`);
    this.projSize = checkInt(o.projSize ?? 0, `${name}: projSize`, 0);
    if (this.projSize >= hiddenSize) throw new RangeError(`${name}: projSize has to be smaller than hiddenSize (${hiddenSize}), got ${this.projSize}`);
    if (this.dropout > 0 && this.numLayers === 1)
      process.emitWarning(`${name}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=${this.dropout} and numLayers=1`, 'UserWarning');
    const gate = GATES[mode] * hiddenSize;
    const real = this.projSize > 0 ? this.projSize : hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const t = { dtype: o.dtype, device: o.device };
    // Registration order is PyTorch's (w_ih, w_hh, b_ih, b_hh, w_hr per layer and direction): the
    // uniform draws of resetParameters follow it.
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const layerInput = layer === 0 ? this.inputSize : real * dirs;
        const ps: [string, number[]][] = [
          [`weight_ih${sfx}`, [gate, layerInput]],
          [`weight_hh${sfx}`, [gate, real]],
        ];
        if (this.bias) ps.push([`bias_ih${sfx}`, [gate]], [`bias_hh${sfx}`, [gate]]);
        if (this.projSize > 0) ps.push([`weight_hr${sfx}`, [this.projSize, hiddenSize]]);
        for (const [n, shape] of ps) {
          this.registerParameter(n, empty(shape, t));
          this.#flatNames.push(n);
        }
      }
    }
    this.resetParameters();
  }

  protected get name(): string {
    return this.constructor.name;
  }

  /** Every weight from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), in registration order, as PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1.0 / Math.sqrt(this.hiddenSize) : 0;
    noGrad(() => {
      for (const p of this.parameters()) p.uniform_(-stdv, stdv);
    });
  }

  /** The weights in PyTorch's _flat_weights order (what at::gru / at::lstm take). */
  get flatWeights(): Tensor[] {
    return this.#flatNames.map((n) => this.param(n));
  }
  /** PyTorch's all_weights: per layer and direction, [w_ih, w_hh, b_ih?, b_hh?, w_hr?]. */
  get allWeights(): Tensor[][] {
    const flat = this.flatWeights;
    const per = 2 + (this.bias ? 2 : 0) + (this.projSize > 0 ? 1 : 0);
    return Array.from({ length: flat.length / per }, (_, i) => flat.slice(i * per, (i + 1) * per));
  }

  /** Checks input and hidden state as PyTorch's forward and check_forward_args do; runs the recurrence. */
  protected run(input: unknown, hx: Tensor[] | undefined, hxSizes: number[]): { output: Tensor; hidden: Tensor[] } {
    const who = `${this.name}(${this.inputSize}, ${this.hiddenSize})`;
    const flat = this.flatWeights;
    const x = checkRnnTensor(input, 'input', who, flat[0]);
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`${who}: expected input to be 2-D (unbatched) or 3-D, got shape ${shapeStr(x.shape)}`);
    if (x.size(-1) !== this.inputSize) throw new RangeError(`${who}: input.size(-1) must be equal to inputSize. Expected ${this.inputSize}, got ${x.size(-1)} (input shape ${shapeStr(x.shape)})`);
    const batched = x.ndim === 3;
    const batch = batched ? x.size(this.batchFirst ? 0 : 1) : 1;
    const dirs = this.bidirectional ? 2 : 1;
    const made: Tensor[] = [];
    try {
      const x3 = batched ? x : x.unsqueeze(this.batchFirst ? 0 : 1);
      if (!batched) made.push(x3);
      const h: Tensor[] = hxSizes.map((size, i) => {
        const what = hxSizes.length === 1 ? 'hx' : `hx[${i}]`;
        const expected = [this.numLayers * dirs, batch, size];
        if (hx === undefined) {
          const z = zeros(expected, { dtype: x.dtype, device: x.device });
          made.push(z);
          return z;
        }
        const t = checkRnnTensor(hx[i], what, who, flat[0]);
        if (t.ndim !== (batched ? 3 : 2)) throw new RangeError(`${who}: for ${batched ? 'batched 3-D' : 'unbatched 2-D'} input, ${what} should be ${batched ? 3 : 2}-D, got shape ${shapeStr(t.shape)}`);
        const want = batched ? expected : [expected[0], size];
        if (!sameShape(t.shape, want)) throw new RangeError(`${who}: expected ${what} of shape ${shapeStr(want)}, got ${shapeStr(t.shape)}`);
        if (batched) return t;
        const u = t.unsqueeze(1);
        made.push(u);
        return u;
      });
      const res = native
        .rnn(
          this.mode,
          x3.handle,
          h.map((t) => t.handle),
          flat.map((t) => t.handle),
          this.bias,
          this.numLayers,
          this.dropout,
          this.training,
          this.bidirectional,
          this.batchFirst,
        )
        .map((r) => fromHandle(r));
      if (batched) return { output: res[0], hidden: res.slice(1) };
      const squeezed = { output: res[0].squeeze(this.batchFirst ? 0 : 1), hidden: res.slice(1).map((t) => t.squeeze(1)) };
      for (const r of res) r.dispose();
      return squeezed;
    } finally {
      for (const t of made) t.dispose();
    }
  }
}

/** Checks a single-state hx argument (RNN, GRU and their cells): a tensor or nothing. */
export function singleHx(hx: unknown, who: string): Tensor[] | undefined {
  if (hx === undefined || hx === null) return undefined;
  if (!(hx instanceof Tensor)) throw new TypeError(`${who}: hx must be a Tensor or undefined, got ${describe(hx)}`);
  return [hx];
}

/** RNN's and RNNCell's nonlinearity: 'tanh' (the default) or 'relu'. */
export function checkNonlinearity(v: unknown, who: string): 'tanh' | 'relu' {
  const nl = v ?? 'tanh';
  if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`${who}: unknown nonlinearity '${String(nl)}' (expected 'tanh' or 'relu')`);
  return nl;
}

/** nn.RNN: an Elman RNN with tanh or ReLU. forward(input, hx?) returns [output, hN]. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, opts?: RNNOptions) {
    const o = checkOptions(opts, 'RNN options', [...BASE_KEYS, 'nonlinearity']);
    const nl = checkNonlinearity(o.nonlinearity, 'RNN');
    super('RNN', nl === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, o);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const { output, hidden } = this.run(input, singleHx(hx, 'RNN'), [this.hiddenSize]);
    return [output, hidden[0]];
  }
}

/** nn.GRU. forward(input, hx?) returns [output, hN]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNBaseOptions) {
    super('GRU', 'gru', inputSize, hiddenSize, checkOptions(opts, 'GRU options', [...BASE_KEYS]));
  }
  forward(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const { output, hidden } = this.run(input, singleHx(hx, 'GRU'), [this.hiddenSize]);
    return [output, hidden[0]];
  }
}

/** nn.LSTM (with projections when projSize > 0). forward(input, [h0, c0]?) returns [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts?: LSTMOptions) {
    super('LSTM', 'lstm', inputSize, hiddenSize, checkOptions(opts, 'LSTM options', [...BASE_KEYS, 'projSize']));
  }
  forward(input: Tensor, hx?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TypeError(`LSTM: hx must be [h0, c0] or undefined, got ${describe(hx)}`);
    const { output, hidden } = this.run(input, hx ?? undefined, [this.projSize > 0 ? this.projSize : this.hiddenSize, this.hiddenSize]);
    return [output, [hidden[0], hidden[1]]];
  }
}
