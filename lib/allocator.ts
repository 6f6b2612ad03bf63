// The allocator behind CPU tensor data. LibTorch's own (posix_memalign) makes glibc's heap grow at
// every step of a plain loop (the freed chunks never fit the next request of the same size), so the
// addon installs one that reuses them; see native/memory/allocator.cc. Process-wide, like torch.backends.*.
import { describe } from './check';
import { callNative } from './native';

/**
 * - `'cache'` (default): blocks from 64 KiB up are kept by size for reuse (bounded by the
 *   environment variable `GT_CPU_CACHE_MB`, default 1024), smaller ones come from malloc.
 * - `'malloc'`: every block from malloc, aligned by hand; nothing cached.
 * - `'libtorch'`: LibTorch's own allocator (RSS grows in synchronous loops on glibc before 2.38).
 */
export type CpuAllocator = 'cache' | 'malloc' | 'libtorch';
const KINDS: readonly CpuAllocator[] = ['cache', 'malloc', 'libtorch'];

/** The allocator in use; `GT_CPU_ALLOCATOR` chooses it at startup. */
export function cpuAllocator(): CpuAllocator {
  return callNative('cpuAllocator', []) as CpuAllocator;
}

/** Switches the allocator for new CPU tensors (existing ones free through the one that made them). */
export function setCpuAllocator(kind: CpuAllocator): void {
  if (!KINDS.includes(kind)) throw new TypeError(`kind must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}; got ${describe(kind)}`);
  callNative('setCpuAllocator', [kind]);
}

/** Hands the cached free blocks back to malloc (as torch.cuda.empty_cache); returns the bytes released. */
export function emptyCpuCache(): number {
  return callNative('emptyCpuCache', []) as number;
}
