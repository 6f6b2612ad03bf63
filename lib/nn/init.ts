// nn.init: in-place initialisers drawing from LibTorch's generator in PyTorch's order, so that a seeded
// model starts from PyTorch's numbers.
import { checkNumber } from '../check';
import { noGrad } from '../runtime';
import { checkTensor, type Tensor } from '../tensor';

/** PyTorch's _calculate_fan_in_and_fan_out. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new RangeError(`fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${t.shape}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.size(1) * receptive, fanOut: t.size(0) * receptive };
}

/** xavier_normal_: N(0, gain^2 * 2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  checkTensor(t, 'tensor');
  checkNumber(gain, 'gain', { finite: true });
  const { fanIn, fanOut } = fans(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std));
}

/** xavier_uniform_: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  checkTensor(t, 'tensor');
  checkNumber(gain, 'gain', { finite: true });
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(3.0) * Math.sqrt(2.0 / (fanIn + fanOut));
  return noGrad(() => t.uniform_(-a, a));
}

export function constant_(t: Tensor, value: number): Tensor {
  checkTensor(t, 'tensor');
  return noGrad(() => t.fill_(checkNumber(value, 'value')));
}
export const zeros_ = (t: Tensor): Tensor => noGrad(() => checkTensor(t, 'tensor').zero_());
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => checkTensor(t, 'tensor').normal_(mean, std));
}
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => checkTensor(t, 'tensor').uniform_(a, b));
}
