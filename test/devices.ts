// Tests instantiated once per device, as PyTorch's instantiate_device_type_tests and tfjs's
// describeWithFlags: `describeDevices(name, (device) => ...)` defines the block for the CPU and for
// CUDA; without a CUDA device that instance is listed as skipped, saying why. A block must create
// tensors only inside its tests (the skipped instance's body still runs to list them).
import * as torch from '../lib';

export const DEVICES: readonly torch.Device[] = ['cpu', 'cuda'];

/** Whether tests can run on a device here, or why not. */
export function deviceAvailability(device: torch.Device): { ok: true } | { ok: false; reason: string } {
  if (device === 'cpu') return { ok: true };
  return torch.cuda.isAvailable() ? { ok: true } : { ok: false, reason: 'no CUDA device' };
}

export function describeDevices(name: string, fn: (device: torch.Device) => void): void {
  for (const device of DEVICES) {
    const a = deviceAvailability(device);
    if (a.ok) describe(`${name} [${device}]`, () => fn(device));
    else describe.skip(`${name} [${device}: skipped, ${a.reason}]`, () => fn(device));
  }
}

/**
 * Tolerance for a result compared with PyTorch's CPU output: `cpu` on the CPU; on CUDA the GPU's
 * own math library and reduction order differ from the CPU kernels by a few ulp, so at least
 * 1e-5 (float32) there, scaled by the result's magnitude.
 */
export function deviceTol(device: torch.Device, cpu: number, magnitude = 1): number {
  return device === 'cpu' ? cpu : Math.max(cpu, 1e-5) * Math.max(1, magnitude);
}
