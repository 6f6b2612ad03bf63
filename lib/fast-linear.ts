// Opt-in speed for float32 on the CPU: Linear layers on oneDNN's sgemm, which uses the widest vector
// units the CPU has, instead of the BLAS LibTorch was built with, where that is faster: each shape is
// timed once on BLAS, oneDNN on LibTorch's threads and oneDNN on every core, and the fastest is kept. The rounding differs from PyTorch's,
// so results are no longer bit-for-bit PyTorch's; the drift against float64 is bounded in
// test/fast-linear.test.ts. Process-wide, like torch.backends.* switches.
import { checkBool } from './check';
import { callNative } from './native';
import type { FastLinearKernel } from './native-api';

export type { FastLinearKernel } from './native-api';

/** Whether oneDNN's sgemm is reachable in this LibTorch (Debian's: yes; pip's links it privately). */
export function fastLinearAvailable(): boolean {
  return callNative('fastLinearAvailable', []) as boolean;
}

/** Routes float32 CPU Linear layers (2-D inputs) through oneDNN; throws if it is unavailable. */
export function setFastLinear(on: boolean): void {
  callNative('setFastLinear', [checkBool(on, 'on')]);
}

export function fastLinear(): boolean {
  return callNative('fastLinear', []) as boolean;
}

/** The kernel chosen for each Linear shape ([m, k, n]) met since the switch was used, with the times (ms) that chose it. */
export function fastLinearKernels(): FastLinearKernel[] {
  return callNative('fastLinearKernels', []);
}

/** Forgets the measurements: the next call of each shape measures again (after the machine's load changed). */
export function resetFastLinearKernels(): void {
  callNative('resetFastLinearKernels', []);
}
