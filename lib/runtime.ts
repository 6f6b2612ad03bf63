// Process-wide state: seeds, grad mode, CUDA, memory figures and diagnostics.
import * as fs from 'node:fs';
import { checkInt } from './check';
import { callNative, OPENMP_WAIT_MARKER, torchInfoFile } from './native';
import type { CudaDeviceMemory, CudaMemory, MemoryInfo, NativeBuildInfo } from './native-api';
import { checkDevice, checkTensor, type Device, fromHandle, type Tensor } from './tensor';


/**
 * Seeds LibTorch's CPU and CUDA generators, as torch.manual_seed. The generators belong to the
 * process: worker threads share them with the main thread (unlike PyTorch's processes, which each
 * have their own), so workers drawing random numbers at the same time interleave one stream. For
 * reproducible results draw in one thread, or seed and draw in turn.
 */
export function manualSeed(seed: number): void {
  callNative('manualSeed', [checkInt(seed, 'seed', 0, Number.MAX_SAFE_INTEGER)]);
}

/** The seed of the CPU generator, as torch.initial_seed(): the last manualSeed, else the one chosen at start. */
export function initialSeed(): number {
  return callNative('initialSeed', []);
}

/** The generator's state (a uint8 tensor) for a device, as torch.get_rng_state / torch.cuda.get_rng_state. */
export function getRngState(device: Device = 'cpu'): Tensor {
  return fromHandle(callNative('getRngState', [checkDevice(device)]));
}
/** Restores a state from getRngState, so the same random numbers follow. */
export function setRngState(state: Tensor, device: Device = 'cpu'): void {
  callNative('setRngState', [checkTensor(state, 'state').handle, checkDevice(device)]);
}

export function setNumThreads(n: number): void {
  callNative('setNumThreads', [checkInt(n, 'n', 1, 1024)]);
}
export function getNumThreads(): number {
  return callNative('getNumThreads', []);
}

export function isGradEnabled(): boolean {
  return callNative('isGradEnabled', []);
}
function withGradMode<T>(enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('expected a function');
  const prev = callNative('setGradEnabled', [enabled]);
  try {
    return fn();
  } finally {
    callNative('setGradEnabled', [prev]);
  }
}
/** Runs fn with autograd recording off, as `with torch.no_grad()`. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export const cuda = {
  isAvailable(): boolean {
    return callNative('cudaIsAvailable', []);
  },
  deviceCount(): number {
    return callNative('cudaDeviceCount', []);
  },
  /** Waits for all work on the device; a no-op without CUDA. */
  synchronize(device?: number): void {
    if (!cuda.isAvailable()) return;
    callNative('cudaSynchronize', [device === undefined ? -1 : checkInt(device, 'device', 0)]);
  },
};

// The figures' types are the binding's wire types (lib/native-api.ts).
export type { CudaDeviceMemory, CudaMemory, MemoryInfo };
export function memory(): MemoryInfo {
  return callNative('memory', []);
}

export interface Diagnostics {
  torchVersion: string;
  foundVia: string;
  torchDir: string;
  cxx11Abi: string;
  builtWithCuda: boolean;
  cudaAvailable: boolean;
  cudaDeviceCount: number;
  blas: string;
  numThreads: number;
  /** How OpenMP workers wait between parallel regions: the variables and who set them. */
  openmpWait: string;
  addonPath: string;
}

/** What the OpenMP runtime read when LibTorch loaded (the addon's record), not process.env now. */
function describeOpenmpWait(atLoad: NativeBuildInfo['openmpWaitAtLoad']): string {
  const set = (['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT'] as const).filter((k) => atLoad[k] !== null).map((k) => `${k}=${atLoad[k]}`);
  if (set.length > 0) return `${set.join(' ')} (${atLoad.GUMBEL_TORCH_OPENMP_WAIT === 'default' ? "gumbel-torch's default" : 'from the environment'})`;
  // Set in a worker thread's private process.env only: LibTorch loaded first there and never saw them.
  const unseen = process.env[OPENMP_WAIT_MARKER] === 'default';
  return `the OpenMP runtime's default${unseen ? " (gumbel-torch's settings did not reach it: LibTorch was first loaded in a worker thread, whose process.env is its own; load gumbel-torch in the main thread first, or set OMP_WAIT_POLICY / GOMP_SPINCOUNT before starting Node)" : ''}`;
}

/** What the addon was built against and what it runs with (LibTorch, CUDA, BLAS, threads). */
export function diagnostics(): Diagnostics {
  const b = callNative('buildInfo', []);
  let blas = /BLAS_INFO=(\w+)/.exec(b.config)?.[1] ?? 'unknown';
  try {
    // Debian picks the BLAS at run time through alternatives; the mapped library is the truth.
    const maps = fs.readFileSync('/proc/self/maps', 'utf8');
    const libs = new Set(maps.split('\n').map((l) => /\/([^/\s]*blas[^/\s]*)$/i.exec(l)?.[1]).filter((x): x is string => !!x));
    const real = [...libs].map((l) => l).join(', ');
    if (real) blas = `${blas} (loaded: ${real})`;
  } catch {
    /* not Linux */
  }
  return {
    torchVersion: b.torchVersion,
    foundVia: b.foundVia,
    torchDir: b.torchDir,
    cxx11Abi: b.cxx11Abi,
    builtWithCuda: b.builtWithCuda,
    cudaAvailable: cuda.isAvailable(),
    cudaDeviceCount: cuda.deviceCount(),
    blas,
    numThreads: getNumThreads(),
    openmpWait: describeOpenmpWait(b.openmpWaitAtLoad),
    addonPath: torchInfoFile() ?? '',
  };
}
