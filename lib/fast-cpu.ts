// Opt-in speed for float32 on the CPU, all switches at once: Linear layers on oneDNN (setFastLinear)
// and binary cross-entropy from whole-tensor (SIMD) ops instead of ATen's element-at-a-time kernel.
// Results are no longer bit-for-bit PyTorch's; the drift against float64 is bounded in
// test/fast-cpu.test.ts. Process-wide, like torch.backends.* switches.
import { checkBool } from './check';
import { fastLinear, fastLinearAvailable, setFastLinear } from './fast-linear';
import { callNative } from './native';

/** F.binary_cross_entropy on float32 CPU tensors (no weight, reduction 'sum' or 'mean') from SIMD ops. */
export function setFastBinaryCrossEntropy(on: boolean): void {
  callNative('setFastBinaryCrossEntropy', [checkBool(on, 'on')]);
}

export function fastBinaryCrossEntropy(): boolean {
  return callNative('fastBinaryCrossEntropy', []) as boolean;
}

/**
 * F.max_pool2d's direct 2 x 2 / stride 2 kernel for contiguous float CPU tensors (nn.MaxPool2d(2)).
 * On by default: it is exact (ATen's values, indices and backward), only faster than LibTorch 1.13's
 * own. Off sends every call to ATen's kernel. Not part of setFastCpu, which switches inexact kernels.
 */
export function setFastMaxPool2d(on: boolean): void {
  callNative('setFastMaxPool2d', [checkBool(on, 'on')]);
}

export function fastMaxPool2d(): boolean {
  return callNative('fastMaxPool2d', []) as boolean;
}

/**
 * Every fast float32 CPU kernel on or off: oneDNN Linear (where this LibTorch has oneDNN) and the
 * SIMD binary cross-entropy. The Adam step needs no switch: its one-pass form is exact (optim.Adam).
 */
export function setFastCpu(on: boolean): void {
  checkBool(on, 'on');
  if (fastLinearAvailable() || !on) setFastLinear(on);
  setFastBinaryCrossEntropy(on);
}

/** Whether every fast kernel this LibTorch offers is on. */
export function fastCpu(): boolean {
  return fastBinaryCrossEntropy() && (fastLinear() || !fastLinearAvailable());
}
