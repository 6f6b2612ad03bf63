// nn.RNNCell, nn.GRUCell, nn.LSTMCell: one step of the recurrence, PyTorch's parameters (weight_ih,
// weight_hh, bias_ih, bias_hh in that order and initialisation) on ATen's cell functions
// (native/ops/rnn.cc). Input and hidden state are checked here first, naming the module.
import { checkBool, checkInt, checkOptions, describe } from '../check';
import { empty, zeros } from '../creation';
import { native } from '../native';
import type { RnnMode } from '../native-api';
import { noGrad } from '../runtime';
import { fromHandle, type Tensor, type TensorOptions } from '../tensor';
import { Module } from './module';
import { checkNonlinearity, checkRnnTensor, GATES, shapeStr, singleHx } from './rnn';

export interface RNNCellBaseOptions extends Pick<TensorOptions, 'dtype' | 'device'> {
  /** Biases bias_ih and bias_hh; default true. */
  bias?: boolean;
}
export interface RNNCellOptions extends RNNCellBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}


export abstract class RNNCellBase extends Module {
  readonly mode: RnnMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  protected constructor(name: string, mode: RnnMode, inputSize: number, hiddenSize: number, o: RNNCellBaseOptions) {
    super();
    this.mode = mode;
    this.inputSize = checkInt(inputSize, `${name}: inputSize`, 0);
    this.hiddenSize = checkInt(hiddenSize, `${name}: hiddenSize`, 1);
    this.bias = checkBool(o.bias ?? true, `${name}: bias`);
    const gate = GATES[mode] * hiddenSize;
    const t = { dtype: o.dtype, device: o.device };
    this.registerParameter('weight_ih', empty([gate, inputSize], t));
    this.registerParameter('weight_hh', empty([gate, hiddenSize], t));
    if (this.bias) {
      this.registerParameter('bias_ih', empty([gate], t));
      this.registerParameter('bias_hh', empty([gate], t));
    }
    this.resetParameters();
  }

  /** Every weight from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), in registration order, as PyTorch. */
  resetParameters(): void {
    const stdv = 1.0 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const p of this.parameters()) p.uniform_(-stdv, stdv);
    });
  }

  get weightIh(): Tensor {
    return this.param('weight_ih');
  }
  get weightHh(): Tensor {
    return this.param('weight_hh');
  }
  get biasIh(): Tensor | undefined {
    return this.bias ? this.param('bias_ih') : undefined;
  }
  get biasHh(): Tensor | undefined {
    return this.bias ? this.param('bias_hh') : undefined;
  }

  /** One step: input [batch, inputSize] or [inputSize]; hx one state per entry (undefined: zeros). */
  protected cell(input: unknown, hx: (Tensor | undefined)[] | undefined, states: number): Tensor[] {
    const who = `${this.constructor.name}(${this.inputSize}, ${this.hiddenSize})`;
    const w = this.weightIh;
    const x = checkRnnTensor(input, 'input', who, w);
    if (x.ndim !== 1 && x.ndim !== 2) throw new RangeError(`${who}: expected input to be 1-D or 2-D, got shape ${shapeStr(x.shape)}`);
    if (x.size(-1) !== this.inputSize) throw new RangeError(`${who}: input has inconsistent input size: got ${x.size(-1)}, expected ${this.inputSize} (input shape ${shapeStr(x.shape)})`);
    const batched = x.ndim === 2;
    const made: Tensor[] = [];
    try {
      const x2 = batched ? x : x.unsqueeze(0);
      if (!batched) made.push(x2);
      const want = batched ? [x.size(0), this.hiddenSize] : [this.hiddenSize];
      const h: Tensor[] = [];
      for (let i = 0; i < states; i++) {
        const what = states === 1 ? 'hx' : `hx[${i}]`;
        const given = hx?.[i];
        if (given === undefined) {
          const z = zeros([x2.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device });
          made.push(z);
          h.push(z);
          continue;
        }
        const t = checkRnnTensor(given, what, who, w);
        if (t.ndim !== want.length || t.shape.some((s, k) => s !== want[k])) throw new RangeError(`${who}: expected ${what} of shape ${shapeStr(want)}, got ${shapeStr(t.shape)}`);
        if (batched) h.push(t);
        else {
          const u = t.unsqueeze(0);
          made.push(u);
          h.push(u);
        }
      }
      const res = native
        .rnnCell(
          this.mode,
          x2.handle,
          h.map((t) => t.handle),
          w.handle,
          this.weightHh.handle,
          this.biasIh?.handle,
          this.biasHh?.handle,
        )
        .map((r) => fromHandle(r));
      if (batched) return res;
      const out = res.map((r) => r.squeeze(0));
      for (const r of res) r.dispose();
      return out;
    } finally {
      for (const t of made) t.dispose();
    }
  }
}

/** nn.RNNCell: h' = tanh (or relu) (W_ih x + b_ih + W_hh h + b_hh). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, opts?: RNNCellOptions) {
    const o = checkOptions(opts, 'RNNCell options', ['bias', 'nonlinearity', 'dtype', 'device']);
    const nl = checkNonlinearity(o.nonlinearity, 'RNNCell');
    super('RNNCell', nl === 'tanh' ? 'rnn_tanh' : 'rnn_relu', inputSize, hiddenSize, o);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.cell(input, singleHx(hx, 'RNNCell'), 1)[0];
  }
}

/** nn.GRUCell. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNCellBaseOptions) {
    super('GRUCell', 'gru', inputSize, hiddenSize, checkOptions(opts, 'GRUCell options', ['bias', 'dtype', 'device']));
  }
  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.cell(input, singleHx(hx, 'GRUCell'), 1)[0];
  }
}

/** nn.LSTMCell: forward(input, [h, c]?) returns [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts?: RNNCellBaseOptions) {
    super('LSTMCell', 'lstm', inputSize, hiddenSize, checkOptions(opts, 'LSTMCell options', ['bias', 'dtype', 'device']));
  }
  forward(input: Tensor, hx?: [Tensor, Tensor]): [Tensor, Tensor] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TypeError(`LSTMCell: hx must be [h, c] or undefined, got ${describe(hx)}`);
    const [h, c] = this.cell(input, hx ?? undefined, 2);
    return [h, c];
  }
}
