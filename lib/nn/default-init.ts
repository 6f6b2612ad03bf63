// The default initialisation of PyTorch's Linear and convolution layers: kaiming_uniform_(weight,
// a=sqrt(5)), then the bias from U(-1/sqrt(fanIn), 1/sqrt(fanIn)), with PyTorch's float arithmetic and
// draw order, so a seed gives PyTorch's weights.
import { noGrad } from '../runtime';
import type { Tensor } from '../tensor';

export function resetLinearLike(weight: Tensor, bias: Tensor | undefined, fanIn: number): void {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2.0 / (1 + a ** 2));
  const bound = Math.sqrt(3.0) * (gain / Math.sqrt(fanIn));
  noGrad(() => {
    weight.uniform_(-bound, bound);
    if (bias) {
      const b = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      bias.uniform_(-b, b);
    }
  });
}
