// Loads the compiled addon. A load failure says why and how to fix it, in the manner of sharp.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { NativeBinding, NativeFunctionName, NativeFunctions } from './native-api';

export type { NativeAdam, NativeAdamState, NativeOptimizer, NativeOptimizerState, NativeBinding, NativeBuildInfo, NativeReducer, NativeTensor } from './native-api';

const root = path.resolve(__dirname, '..');
const candidates = [
  path.join(root, 'build', 'Release', 'gumbel_torch.node'),
  path.join(root, 'build', 'Debug', 'gumbel_torch.node'),
];

// The command that works in a project depending on gumbel-torch (in a checkout of gumbel-torch
// itself, npm run build:native does the same).
const REBUILD = 'npm rebuild gumbel-torch';

/** @internal A load failure turned into a cause and a fix (exported for tests). */
export function explainLoadError(err: Error, file: string): string {
  const msg = err.message;
  const lines = [`gumbel-torch: could not load the native addon ${file}`, `  cause: ${msg}`];
  if (/cannot open shared object file/.test(msg)) {
    const lib = /(\S+\.so[.\d]*)/.exec(msg)?.[1] ?? 'a LibTorch library';
    lines.push(`  ${lib} was not found at run time.`);
    if (/cuda|cudnn|nvrtc|cublas/i.test(lib)) {
      lines.push('  This build links CUDA LibTorch: install the CUDA runtime it was built with, or rebuild against a CPU LibTorch.');
    } else {
      lines.push('  Install LibTorch (Debian/Ubuntu: apt-get install libtorch-dev libopenblas0-pthread) or set LD_LIBRARY_PATH to its lib folder,');
      lines.push(`  then rebuild: ${REBUILD}`);
    }
  } else if (/undefined symbol/.test(msg)) {
    lines.push('  The addon was built against a different LibTorch (or a different C++11 ABI) than the one loaded now.');
    lines.push(`  Rebuild against the LibTorch you run with: ${REBUILD} (set LIBTORCH or Torch_DIR to choose it).`);
  } else if (/NODE_MODULE_VERSION|Module did not self-register|invalid ELF|wrong ELF class/.test(msg)) {
    lines.push(`  The addon was built for another Node.js or another platform. Rebuild: ${REBUILD}`);
  }
  return lines.join('\n');
}

/**
 * How LibTorch's OpenMP workers wait between parallel regions, unless the user chose
 * (OMP_WAIT_POLICY set). libgomp's default, spinning ~3 ms, fights OpenBLAS's own pthread pool for
 * the cores (the seed's VAE step 2.5x slower on 2 cores); sleeping at once (PASSIVE) costs a futex
 * wake-up per region instead (the 3 x 3 jigsaw step, ~280 regions, went 15 -> 20 ms from 1 to 2
 * threads). A short spin keeps both: GOMP_SPINCOUNT, which libgomp reads before the policy;
 * PASSIVE stays for OpenMP runtimes that do not read it. Both are read when the runtime loads.
 */
export const OPENMP_WAIT_DEFAULTS: Readonly<Record<string, string>> = { OMP_WAIT_POLICY: 'PASSIVE', GOMP_SPINCOUNT: '2000' };
/**
 * Set beside them ('default'), so that whoever inherits the environment (a child process, a benchmark's
 * PyTorch: bench/common.js referenceEnv) can tell gumbel-torch's settings from the user's.
 */
export const OPENMP_WAIT_MARKER = 'GUMBEL_TORCH_OPENMP_WAIT';

function applyOpenmpWaitDefaults(): void {
  if (process.env.OMP_WAIT_POLICY !== undefined || process.env.GOMP_SPINCOUNT !== undefined) return;
  for (const [k, v] of Object.entries(OPENMP_WAIT_DEFAULTS)) process.env[k] = v;
  process.env[OPENMP_WAIT_MARKER] = 'default';
}
applyOpenmpWaitDefaults();

function load(): NativeBinding {
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error(
      [
        'gumbel-torch: the native addon has not been built (no build/Release/gumbel_torch.node).',
        `  Build it with: ${REBUILD} (npm run build:native in this repository; where npm's policy held back`,
        '  its install script, first: npm install-scripts approve gumbel-torch)',
        '  (installing with GUMBEL_TORCH_SKIP_BUILD set skips the build; the last build log is build/build.log)',
        '  It needs LibTorch: on Debian/Ubuntu apt-get install libtorch-dev libopenblas0-pthread,',
        '  or set LIBTORCH to a LibTorch folder, or Torch_DIR to the folder holding TorchConfig.cmake.',
      ].join('\n'),
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as NativeBinding;
  } catch (e) {
    throw new Error(explainLoadError(e as Error, file));
  }
}

export const native: NativeBinding = load();

/**
 * Calls a native function by name (the one call path from TypeScript into C++): the name and the
 * arguments are checked against NativeFunctions (lib/native-api.ts) at compile time.
 */
export function callNative<K extends NativeFunctionName>(name: K, args: Parameters<NativeFunctions[K]>): ReturnType<NativeFunctions[K]> {
  return (cachedFunction(name) as (...a: unknown[]) => ReturnType<NativeFunctions[K]>)(...args);
}

// callNative's lookup per call: a Map hit, where `native[name]` over ~500 names is a megamorphic
// dictionary lookup (measurable on a tiny op; bench/op-overhead.js).
const functionCache = new Map<string, unknown>();
function cachedFunction(name: NativeFunctionName): unknown {
  let fn = functionCache.get(name);
  if (fn === undefined) {
    fn = nativeFunction(name);
    functionCache.set(name, fn);
  }
  return fn;
}

/**
 * A native function by name, checked to exist: callNative's lookup, also used once per op by the
 * table-derived methods (lib/op-surface.ts), which then call it without a lookup per call.
 */
export function nativeFunction<K extends NativeFunctionName>(name: K): NativeFunctions[K] {
  const fn: unknown = native[name];
  if (typeof fn !== 'function') throw new Error(`gumbel-torch: native function '${name}' is missing (rebuild: ${REBUILD})`);
  return fn as NativeFunctions[K];
}

export function torchInfoFile(): string | undefined {
  const f = path.join(root, 'build', 'torch-info.json');
  return fs.existsSync(f) ? f : undefined;
}
