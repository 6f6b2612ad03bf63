// Activation modules over the op table's functions (nn.functional.elu, ...), with PyTorch's constructor
// options and defaults. Options are checked when the module is made, so a bad one fails at the model's
// definition, not at its first step.
import { checkInt, checkNumber, checkOptions, describe } from '../check';
import { celu, elu, gelu, hardsigmoid, hardswish, hardtanh, leakyRelu, logsigmoid, mish, relu6, selu, silu, softplus } from '../functions';
import { checkTensor, type Tensor } from '../tensor';
import { Module } from './module';

export { elu };

const finite = (v: unknown, name: string): number => checkNumber(v, name, { finite: true });

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor(x, 'input').relu();
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor(x, 'input').sigmoid();
  }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return checkTensor(x, 'input').tanh();
  }
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(opts?: { alpha?: number }) {
    super();
    this.alpha = finite(checkOptions(opts, 'ELU options', ['alpha']).alpha ?? 1, 'alpha');
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
}
export class CELU extends Module {
  readonly alpha: number;
  constructor(opts?: { alpha?: number }) {
    super();
    this.alpha = finite(checkOptions(opts, 'CELU options', ['alpha']).alpha ?? 1, 'alpha');
    // ATen divides by alpha: 0 would make every negative input NaN.
    if (this.alpha === 0) throw new RangeError('CELU: alpha must not be 0');
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
}
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return selu(x);
  }
}
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(opts?: { negativeSlope?: number }) {
    super();
    this.negativeSlope = finite(checkOptions(opts, 'LeakyReLU options', ['negativeSlope']).negativeSlope ?? 0.01, 'negativeSlope');
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(opts?: { approximate?: 'none' | 'tanh' }) {
    super();
    const a: unknown = checkOptions(opts, 'GELU options', ['approximate']).approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got ${describe(a)}`);
    this.approximate = a;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(opts?: { beta?: number; threshold?: number }) {
    super();
    const o = checkOptions(opts, 'Softplus options', ['beta', 'threshold']);
    this.beta = finite(o.beta ?? 1, 'beta');
    if (this.beta === 0) throw new RangeError('Softplus: beta must not be 0'); // log(1 + exp(0 * x)) / 0
    this.threshold = checkNumber(o.threshold ?? 20, 'threshold');
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
}
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(opts?: { minVal?: number; maxVal?: number }) {
    super();
    const o = checkOptions(opts, 'Hardtanh options', ['minVal', 'maxVal']);
    this.minVal = checkNumber(o.minVal ?? -1, 'minVal');
    this.maxVal = checkNumber(o.maxVal ?? 1, 'maxVal');
    // PyTorch asserts max_val > min_val.
    if (!(this.maxVal > this.minVal)) throw new RangeError(`Hardtanh: maxVal (${this.maxVal}) must be greater than minVal (${this.minVal})`);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
}
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

let warnedImplicitDim = false;
/** PyTorch's _get_softmax_dim for a module made without dim (deprecated there too, with this warning). */
function implicitDim(ndim: number, name: string): number {
  const dim = ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
  if (!warnedImplicitDim) {
    warnedImplicitDim = true;
    process.emitWarning(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`, 'UserWarning');
  }
  return dim;
}
function softmaxDim(dim: number | { dim?: number } | undefined, name: string): number | undefined {
  const d = typeof dim === 'object' && dim !== null ? checkOptions(dim, `${name} options`, ['dim']).dim : dim;
  return d === undefined ? undefined : checkInt(d, 'dim');
}
/** nn.Softmax(dim): new Softmax(-1) or new Softmax({ dim: -1 }). */
export class Softmax extends Module {
  readonly dim: number | undefined;
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = softmaxDim(dim, 'Softmax');
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    return x.softmax(this.dim ?? implicitDim(x.ndim, 'softmax'));
  }
}
export class LogSoftmax extends Module {
  readonly dim: number | undefined;
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = softmaxDim(dim, 'LogSoftmax');
  }
  forward(x: Tensor): Tensor {
    checkTensor(x, 'input');
    return x.logSoftmax(this.dim ?? implicitDim(x.ndim, 'log_softmax'));
  }
}
