// The input dtype check of layers with float weights: caught here so that the TypeError names the
// module and both dtypes, instead of ATen's kernel message ("Input type (double) and bias type ...").
import type { Tensor } from '../tensor';

export function checkInputDtype(x: Tensor, who: string, weight: Tensor | undefined): void {
  if (!x.isFloatingPoint) throw new TypeError(`${who}: expected a floating-point input, got ${x.dtype}`);
  if (weight && weight.dtype !== x.dtype) throw new TypeError(`${who}: input is ${x.dtype}, the module's parameters are ${weight.dtype} (convert one with .to())`);
}
