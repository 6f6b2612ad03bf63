#!/usr/bin/env node
// The CUDA architectures the fused kernels are built for (CMakeLists.txt runs this at configure time
// and prints the reason). A GPU without a kernel image for its architecture cannot launch them (T4 is
// 7.5, V100 7.0), so: GT_CUDA_ARCH when set; else the GPUs found by nvidia-smi, the newest also as
// PTX; else a default whose oldest entry is PTX, which the driver compiles for any newer GPU. Each
// list holds only what this nvcc can build (nvcc 13 dropped everything before 7.5, 12 before 5.0).
// PyTorch builds the same way: real code for each architecture in TORCH_CUDA_ARCH_LIST and PTX for
// the one marked "+PTX" (cmake/Modules_CUDA_fix/upstream/FindCUDA/select_compute_arch.cmake).
// Prints the list (CMake's CUDA_ARCHITECTURES syntax) on stdout and the reason on stderr.
'use strict';
const { spawnSync } = require('node:child_process');

/** The oldest architecture an nvcc major version builds for. */
function minimumArch(nvccMajor) {
  if (nvccMajor >= 13) return 75;
  if (nvccMajor >= 12) return 50;
  return 35;
}

const TOKEN = /^(\d{2,3}[af]?(-real|-virtual)?|native|all|all-major)$/;

/**
 * @param {{ explicit?: string, computeCaps?: string[], nvccVersion?: [number, number] }} o
 *   explicit: GT_CUDA_ARCH; computeCaps: nvidia-smi's compute_cap values ("9.0"); nvccVersion: [major, minor].
 * @returns {{ archs: string, reason: string }}
 */
function selectCudaArchitectures({ explicit, computeCaps = [], nvccVersion } = {}) {
  if (explicit !== undefined && explicit.trim() !== '') {
    const tokens = explicit.split(/[;,\s]+/).filter(Boolean);
    const bad = tokens.filter((t) => !TOKEN.test(t));
    if (bad.length) throw new RangeError(`GT_CUDA_ARCH: '${bad.join("', '")}' is not a CUDA architecture (expected e.g. 75, 90-real, 90-virtual or native)`);
    return { archs: tokens.join(';'), reason: 'GT_CUDA_ARCH' };
  }
  const [major, minor] = nvccVersion ?? [12, 0];
  const min = minimumArch(major);
  const supports90 = major > 11 || (major === 11 && minor >= 8);
  const found = [...new Set(computeCaps.map((c) => Math.round(Number(c) * 10)).filter((n) => Number.isFinite(n) && n > 0))].sort((a, b) => a - b);
  const usable = found.filter((n) => n >= min);
  const tooOld = found.filter((n) => n < min);
  const note = tooOld.length ? `; ${tooOld.map((n) => `sm_${n}`).join(', ')} too old for nvcc ${major} (ATen's kernels run there)` : '';
  if (usable.length) {
    // The newest also as PTX ("NN" is NN-real plus NN-virtual), so a newer GPU added later still runs.
    const archs = usable.map((n, i) => (i === usable.length - 1 ? `${n}` : `${n}-real`)).join(';');
    return { archs, reason: `the GPUs found (nvidia-smi: ${found.map((n) => `${Math.floor(n / 10)}.${n % 10}`).join(', ')})${note}` };
  }
  const reals = [80, ...(supports90 ? [90] : [])].filter((n) => n > min);
  const ptx = Math.max(min, 70);
  return { archs: [`${ptx}`, ...reals.map((n) => `${n}-real`)].join(';'), reason: `${tooOld.length ? 'no GPU this nvcc builds for' : 'no GPU found'}${note}: default, with PTX for sm_${ptx} and newer` };
}

function nvidiaSmiCaps() {
  const r = spawnSync('nvidia-smi', ['--query-gpu=compute_cap', '--format=csv,noheader'], { encoding: 'utf8', timeout: 20000 });
  if (r.status !== 0 || !r.stdout) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+\.\d+$/.test(l));
}

function nvccVersion(nvcc) {
  const r = spawnSync(nvcc || 'nvcc', ['--version'], { encoding: 'utf8' });
  const m = /release (\d+)\.(\d+)/.exec(r.stdout ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

module.exports = { selectCudaArchitectures, minimumArch };

if (require.main === module) {
  // argv[2]: the nvcc CMake found (CMAKE_CUDA_COMPILER), when it found one.
  try {
    const { archs, reason } = selectCudaArchitectures({ explicit: process.env.GT_CUDA_ARCH, computeCaps: nvidiaSmiCaps(), nvccVersion: nvccVersion(process.argv[2]) });
    process.stdout.write(archs);
    process.stderr.write(reason);
  } catch (e) {
    process.stderr.write(e.message);
    process.exitCode = 1;
  }
}
