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
