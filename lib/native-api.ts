// The contract between TypeScript and the addon: every export of native/**/*.cc with its arguments and
// result, so the compiler checks each call (name, argument order, types) and a native nobody calls is
// visible here. The C++ reads arguments by position (Args in native/binding/tensor.h); optional trailing
// arguments may be left out or passed as undefined. test/native-api.test.ts checks that the addon's
// exports are exactly NATIVE_EXPORTS, which the compiler checks against NativeBinding.
import type { DataArray, Device, DType } from './tensor';
import { OPS } from './op-table';
import type { TableNativeName, TableNatives } from './op-types';

// ---- Wire types: what the addon takes and gives besides handles. They live here, with the binding,
// and the modules that expose them (lib/distributed/process-group.ts, lib/runtime.ts) re-export them.

/** A c10d backend (distInit, distBackend). */
export type Backend = 'gloo' | 'nccl';
/** A c10d reduce op (distAllReduce). */
export type ReduceOpName = 'sum' | 'avg' | 'product' | 'min' | 'max';

export interface CudaDeviceMemory {
  allocatedBytes: number;
  reservedBytes: number;
  peakAllocatedBytes: number;
}
/** Totals over all CUDA devices (the peak: the sum of each device's peak), and each device's figures. */
export interface CudaMemory extends CudaDeviceMemory {
  /** Indexed by device: devices[1] is cuda:1. */
  devices: CudaDeviceMemory[];
}
export interface MemoryInfo {
  /** Tensors whose handles are alive in JS (not yet disposed or collected). */
  liveTensors: number;
  /** Bytes those tensors address (views count their own extent). */
  liveBytes: number;
  peakBytes: number;
  /** Freed CPU blocks the allocator keeps for reuse (see setCpuAllocator, emptyCpuCache). */
  cpuCachedBytes: number;
  /** CUDA caching-allocator figures of every device and their totals, when built with CUDA and a GPU is present. */
  cuda?: CudaMemory;
}
/** How the fused CUDA kernels would run a Gumbel-Softmax call (native/gumbel/fused_plan.h). */
/** One Linear shape [m, k, n] that the fast Linear switch measured, and the kernel it chose (kernels/fast_linear.cc). */
export interface FastLinearKernel {
  shape: [number, number, number];
  kernel: 'blas' | 'onednn' | 'onednn-all-cores';
  /** Best time of forward + both backward products per kernel measured, in ms. */
  ms: Partial<Record<'blas' | 'onednn' | 'onednn-all-cores', number>>;
}

export interface FusedPlan {
  rows: number;
  k: number;
  inner: number;
  /** The dtype computed and returned: logits and noise promoted as on the CPU. */
  dtype: DType;
  /** Why ATen's composition computes it instead; '' when the fused kernels take it. */
  reason: string;
  /** int64 [rows, k]: the linear index in the contiguous tensor of each row's categories. */
  index: NativeTensor;
}

declare const nativeTensorBrand: unique symbol;
/**
 * The opaque native handle that owns one LibTorch tensor (a number naming a slot of the addon's
 * handle table). `releaseTensor` frees it; lib/tensor.ts's Tensor owns one and is the only holder
 * with a GC backstop, so a raw handle that never becomes a Tensor must be released by hand.
 */
export interface NativeTensor {
  readonly [nativeTensorBrand]: true;
}

type H = NativeTensor;
type Ints = readonly number[];

export interface NativeAdamState {
  step: number;
  expAvg: NativeTensor;
  expAvgSq: NativeTensor;
  maxExpAvgSq?: NativeTensor;
}

/** One parameter's state in a NativeOptimizer: its step and its tensors by PyTorch's names (copies). */
export interface NativeOptimizerState {
  step: number;
  tensors: Record<string, NativeTensor>;
}
export interface NativeOptimizer {
  step(): void;
  /** Sets one parameter group's lr. */
  setLr(group: number, lr: number): void;
  getState(): (NativeOptimizerState | null)[];
  setState(index: number, step: number, tensors: Record<string, NativeTensor>): void;
}
export interface NativeAdam {
  step(): void;
  zeroGrad(): void;
  setLr(lr: number): void;
  getState(): (NativeAdamState | null)[];
  setState(index: number, step: number, expAvg: NativeTensor, expAvgSq: NativeTensor, maxExpAvgSq?: NativeTensor): void;
  /** Whether the step runs in one pass per parameter (native/kernels/adam_kernel.cc). */
  singlePass(): boolean;
}

/** DDP's gradient reducer (native/distributed/distributed_reducer.cc): all-reduces gradient buckets during backward. */
export interface NativeReducer {
  dispose(): void;
  setSync(on: boolean): void;
  bucketCount(): number;
}

export interface NativeBuildInfo {
  torchVersion: string;
  torchDir: string;
  foundVia: string;
  cxx11Abi: string;
  builtWithCuda: boolean;
  config: string;
  parallel: string;
  /** The OpenMP wait variables in the process environment when the addon first loaded (null: unset). */
  openmpWaitAtLoad: { OMP_WAIT_POLICY: string | null; GOMP_SPINCOUNT: string | null; GUMBEL_TORCH_OPENMP_WAIT: string | null };
}

/** Every function the addon exports: the op table's (derived from lib/op-table.ts) and the others. */
export interface NativeFunctions extends TableNatives {
  // ---- binding/tensor.cc: conversions and metadata
  fromTypedArray(array: ArrayBufferView, shape: Ints, dtype?: DType, device?: Device): H;
  data(t: H): DataArray;
  shape(t: H): number[];
  strides(t: H): number[];
  dtype(t: H): DType;
  device(t: H): Device;
  numel(t: H): number;
  isContiguous(t: H): boolean;
  /** Frees a live handle's tensor now (Tensor.dispose); false for a released handle or any other value. */
  releaseTensor(t: H): boolean;
  /** Whether t is a live handle of this addon (false once released). */
  isLiveTensor(t: unknown): boolean;
  item(t: H): number | boolean;

  // ---- ops/ops.gen.cc: every op of lib/op-table.ts (TableNatives, by types); ops/ops.cc: global state
  manualSeed(seed: number): void;
  initialSeed(): number;
  getRngState(device?: Device): H;
  setRngState(state: H, device?: Device): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaIsAvailable(): boolean;
  cudaDeviceCount(): number;
  /** -1: the current device. */
  cudaSynchronize(device?: number): void;

  // ---- ops/autograd.cc
  requiresGrad(t: H): boolean;
  setRequiresGrad(t: H, on: boolean): void;
  grad(t: H): H | undefined;
  sameTensor(a: H, b: H): boolean;
  setGrad(t: H, grad?: H): void;
  isLeaf(t: H): boolean;
  backward(t: H, gradient?: H, retainGraph?: boolean): void;
  isGradEnabled(): boolean;
  /** Returns the previous mode. */
  setGradEnabled(on: boolean): boolean;
  /** Sets every tensor's grad to none, as zero_grad(set_to_none=True). */
  zeroGrads(ts: readonly H[], setToNone?: boolean): void;

  // ---- memory/memory.cc
  memory(): MemoryInfo;

  // ---- memory/allocator.cc: the CPU allocator LibTorch uses for tensor data
  setCpuAllocator(kind: string): void;
  cpuAllocator(): string;
  /** Hands the cached blocks back to malloc; the bytes freed. */
  emptyCpuCache(): number;
  /** @internal glibc's heap figures (tests and bench/allocator.js). */
  _mallocInfo(): { heapBytes: number; heapInUse: number; heapFree: number; mmappedBytes: number };

  // ---- serialize/serialize.cc: checked bytes <-> tensors for the file formats
  storageFromBytes(bytes: Uint8Array, byteOffset: number, dtype: DType, numel: number): H;
  viewOfStorage(storage: H, size: Ints, stride: Ints, offset: number): H;
  /** The bytes of a contiguous CPU copy (a Node Buffer). */
  bytesOf(t: H): Uint8Array;
  /** [storage key, storage offset, storage elements]. */
  storageOf(t: H): [string, number, number];
  storageBytes(t: H): Uint8Array;

  // ---- gumbel/register.cc
  setFusedKernels(on: boolean): void;
  fusedKernels(): boolean;
  sampleGumbel(shape: Ints, dtype?: DType, device?: Device): H;
  gumbelFromUniform(uniforms: H, seedFormula?: boolean, eps?: number): H;
  sampleLogistic(shape: Ints, dtype?: DType, device?: Device): H;
  logisticFromUniform(uniforms: H): H;
  gumbelSoftmax(logits: H, noise: H | undefined, tau: number, hard: boolean, dim: number): H;
  relaxedBernoulli(logits: H, noise: H | undefined, tau: number, hard: boolean): H;
  oneHotCategorical(logits: H, dim: number, multinomial: boolean): H;
  expRelaxedCategoricalLogProb(logits: H, tau: number, logValue: H, dim: number): H;
  relaxedOneHotCategoricalLogProb(logits: H, tau: number, value: H, dim: number): H;
  relaxedBernoulliLogProb(logits: H, tau: number, value: H): H;
  estimatorSt(logits: H, sample: H | undefined, tau: number, dim: number): H;
  estimatorReinmax(logits: H, sample: H | undefined, tau: number, dim: number): H;
  /** gap -1: adaptive. */
  estimatorGst(logits: H, sample: H | undefined, tau: number, gap: number, dim: number): H;
  estimatorGumbelRao(logits: H, sample: H | undefined, exponentials: H | undefined, k: number, tau: number, dim: number): H;
  conditionalGumbelLogits(logits: H, sample: H, exponentials: H): H;
  estimatorRloo(logits: H, samples: H, values: H): H;
  enumerateConfigurations(latents: number, categories: number, maxConfigurations: number, dtype?: DType, device?: Device): H;
  estimatorExact(logits: H, configurations: H, values: H): H;
  /** The fused CUDA kernels' host-side plan for a call (gumbel/fused_plan.h), on every build: for tests. */
  _gumbelFusedPlan(logits: H, noise: H | undefined, dim: number): FusedPlan;
  /** The noise the fused kernel draws for elements 0..n-1 at generator state (seed, offset), computed on the CPU. */
  _gumbelKernelNoise(seed: number, offset: number, n: number, doublePrecision: boolean): H;

  // ---- distributed/distributed.cc (without c10d in the build every one but distAvailable and
  // distIsInitialized throws, saying so)
  distAvailable(): { gloo: boolean; nccl: boolean };
  distInit(backend: Backend, rank: number, worldSize: number, localRank: number, masterAddr: string, masterPort: number, timeoutMs: number): void;
  distDestroy(): void;
  distIsInitialized(): boolean;
  distRank(): number;
  distWorldSize(): number;
  distLocalRank(): number;
  distBackend(): Backend;
  /** In place. */
  distAllReduce(t: H, op: ReduceOpName): void;
  distBroadcast(ts: readonly H[], src: number): void;
  distBarrier(): void;
  /** torch.randperm(n, generator=torch.Generator().manual_seed(seed)). */
  randpermSeeded(n: number, seed: number): H;
  setParentDeathSignal(signal: number, parentPid: number): boolean;

  // ---- kernels/fast_linear.cc
  fastLinearAvailable(): boolean;
  setFastLinear(on: boolean): void;
  fastLinear(): boolean;
  fastLinearKernels(): FastLinearKernel[];
  resetFastLinearKernels(): void;
  // ---- kernels/fast_bce.cc
  setFastBinaryCrossEntropy(on: boolean): void;
  fastBinaryCrossEntropy(): boolean;
  // ---- kernels/max_pool2d.cc
  setFastMaxPool2d(on: boolean): void;
  fastMaxPool2d(): boolean;

  // ---- optim/optim.cc
  /** The C library's cos (Python's math.cos), for learning-rate schedules equal to PyTorch's. */
  libmCos(x: number): number;

  // ---- binding/addon.cc
  /** @internal Throws each kind of C++ exception ('index', 'value', 'type', 'error', else std). */
  _throwForTest(kind: string): never;
  buildInfo(): NativeBuildInfo;
}

/** The addon's exports: the functions, the classes and one constant. */
export interface NativeBinding extends NativeFunctions {
  NativeAdam: new (params: readonly NativeTensor[], lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, amsgrad: boolean, fused: boolean, singlePass: boolean) => NativeAdam;
  /** new NativeReducer(params, firstBucketBytes, bucketBytes); throws without c10d or a process group. */
  NativeReducer: new (params: readonly NativeTensor[], firstBucketBytes: number, bucketBytes: number) => NativeReducer;
  /** Whether LibTorch has PyTorch 2's fused multi-tensor Adam. */
  fusedAdamAvailable: boolean;
  /** LibTorch's AdamW ('adamw'), RMSprop ('rmsprop'), Adagrad ('adagrad') or our RAdam ('radam'); per group, hyper in lib/optim's order. */
  NativeOptimizer: new (kind: 'adamw' | 'rmsprop' | 'adagrad' | 'radam', params: readonly NativeTensor[], groups: number[][], sizes: number[], defaults: number[]) => NativeOptimizer;
  /** at::gru / at::lstm / at::rnn_tanh / at::rnn_relu over the flat weight list: [output, hN] or [output, hN, cN]. */
  rnn(mode: RnnMode, input: NativeTensor, hx: readonly NativeTensor[], flatWeights: readonly NativeTensor[], hasBiases: boolean, numLayers: number, dropout: number, train: boolean, bidirectional: boolean, batchFirst: boolean): NativeTensor[];
  /** at::gru_cell / at::lstm_cell / at::rnn_*_cell: [h'] or [h', c']. */
  rnnCell(mode: RnnMode, input: NativeTensor, hx: readonly NativeTensor[], wIh: NativeTensor, wHh: NativeTensor, bIh: NativeTensor | undefined, bHh: NativeTensor | undefined): NativeTensor[];
}

/** The recurrence of nn.RNN ('rnn_tanh', 'rnn_relu'), nn.GRU and nn.LSTM. */
export type RnnMode = 'gru' | 'lstm' | 'rnn_tanh' | 'rnn_relu';

export type NativeFunctionName = keyof NativeFunctions;

/** The natives the op table registers (native/ops/ops.gen.cc): each op, and name_ for its in-place form. */
const TABLE_EXPORTS = Object.fromEntries(
  Object.entries(OPS).flatMap(([name, spec]) => [name, ...((spec as { forms?: readonly string[] }).forms?.includes('inplace') ? [`${name}_`] : [])]).map((n) => [n, 'ops/ops.gen.cc']),
) as Record<TableNativeName, 'ops/ops.gen.cc'>;

/**
 * Every export's name, with the file that defines it. `satisfies` makes the compiler reject a name
 * missing here or one NativeBinding lacks; the test compares it with the addon's real exports.
 */
export const NATIVE_EXPORTS = {
  fromTypedArray: 'binding/tensor.cc', data: 'binding/tensor.cc', shape: 'binding/tensor.cc', strides: 'binding/tensor.cc', dtype: 'binding/tensor.cc', device: 'binding/tensor.cc',
  numel: 'binding/tensor.cc', isContiguous: 'binding/tensor.cc', item: 'binding/tensor.cc', releaseTensor: 'binding/tensor.cc', isLiveTensor: 'binding/tensor.cc',
  ...TABLE_EXPORTS,
  manualSeed: 'ops/ops.cc', initialSeed: 'ops/ops.cc',
  getRngState: 'ops/ops.cc', setRngState: 'ops/ops.cc', setNumThreads: 'ops/ops.cc', getNumThreads: 'ops/ops.cc', cudaIsAvailable: 'ops/ops.cc',
  cudaDeviceCount: 'ops/ops.cc', cudaSynchronize: 'ops/ops.cc',
  requiresGrad: 'ops/autograd.cc', setRequiresGrad: 'ops/autograd.cc', grad: 'ops/autograd.cc', sameTensor: 'ops/autograd.cc', setGrad: 'ops/autograd.cc', isLeaf: 'ops/autograd.cc',
  backward: 'ops/autograd.cc', isGradEnabled: 'ops/autograd.cc', setGradEnabled: 'ops/autograd.cc', zeroGrads: 'ops/autograd.cc',
  memory: 'memory/memory.cc',
  setCpuAllocator: 'memory/allocator.cc', cpuAllocator: 'memory/allocator.cc', emptyCpuCache: 'memory/allocator.cc', _mallocInfo: 'memory/allocator.cc',
  NativeAdam: 'optim/optim.cc', fusedAdamAvailable: 'optim/optim.cc',
  storageFromBytes: 'serialize/serialize.cc', viewOfStorage: 'serialize/serialize.cc', bytesOf: 'serialize/serialize.cc', storageOf: 'serialize/serialize.cc', storageBytes: 'serialize/serialize.cc',
  setFusedKernels: 'gumbel/register.cc', fusedKernels: 'gumbel/register.cc', sampleGumbel: 'gumbel/register.cc',
  gumbelFromUniform: 'gumbel/register.cc', sampleLogistic: 'gumbel/register.cc', logisticFromUniform: 'gumbel/register.cc',
  gumbelSoftmax: 'gumbel/register.cc', relaxedBernoulli: 'gumbel/register.cc', oneHotCategorical: 'gumbel/register.cc',
  expRelaxedCategoricalLogProb: 'gumbel/register.cc', relaxedOneHotCategoricalLogProb: 'gumbel/register.cc',
  relaxedBernoulliLogProb: 'gumbel/register.cc', estimatorSt: 'gumbel/register.cc', estimatorReinmax: 'gumbel/register.cc',
  estimatorGst: 'gumbel/register.cc', estimatorGumbelRao: 'gumbel/register.cc', conditionalGumbelLogits: 'gumbel/register.cc',
  estimatorRloo: 'gumbel/register.cc', enumerateConfigurations: 'gumbel/register.cc', estimatorExact: 'gumbel/register.cc',
  _gumbelFusedPlan: 'gumbel/register.cc', _gumbelKernelNoise: 'gumbel/register.cc',
  distAvailable: 'distributed/distributed.cc', distInit: 'distributed/distributed.cc', distDestroy: 'distributed/distributed.cc', distIsInitialized: 'distributed/distributed.cc',
  distRank: 'distributed/distributed.cc', distWorldSize: 'distributed/distributed.cc', distLocalRank: 'distributed/distributed.cc', distBackend: 'distributed/distributed.cc',
  distAllReduce: 'distributed/distributed.cc', distBroadcast: 'distributed/distributed.cc', distBarrier: 'distributed/distributed.cc', randpermSeeded: 'distributed/distributed.cc',
  setParentDeathSignal: 'distributed/distributed.cc',
  NativeReducer: 'distributed/distributed_reducer.cc',
  libmCos: 'optim/optim.cc', NativeOptimizer: 'optim/optimizers.cc',
  rnn: 'ops/rnn.cc', rnnCell: 'ops/rnn.cc',
  fastLinearAvailable: 'kernels/fast_linear.cc', setFastLinear: 'kernels/fast_linear.cc', fastLinear: 'kernels/fast_linear.cc', fastLinearKernels: 'kernels/fast_linear.cc', resetFastLinearKernels: 'kernels/fast_linear.cc',
  setFastBinaryCrossEntropy: 'kernels/fast_bce.cc', fastBinaryCrossEntropy: 'kernels/fast_bce.cc',
  setFastMaxPool2d: 'kernels/max_pool2d.cc', fastMaxPool2d: 'kernels/max_pool2d.cc',
  _throwForTest: 'binding/addon.cc', buildInfo: 'binding/addon.cc',
} as const satisfies Record<keyof NativeBinding, string>;
