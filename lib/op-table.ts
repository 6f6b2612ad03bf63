// The op table: every tensor op once, in the spirit of ATen's native_functions.yaml. Each entry gives
// the op's arguments in order ([name, type] or [name, type, default]), the C++ it runs (default:
// at::snake_name(args...)), the forms derived from it (Tensor method, free function, in-place name_),
// its result kind and its result dtype.
//
// Everything else comes from here: the C++ registration with its argument checks
// (native/ops/ops.gen.cc, written by scripts/gen-ops.js; test/op-table.test.ts fails when it is stale),
// the typed native contract (lib/native-api.ts, by types), and the derived Tensor methods and free
// functions (lib/op-surface.ts, by types and at load time). See README "How to add an op".
//
// The file is plain data (`as const`, no imports) so that the generator can read it without a build.

/** Argument types: their TypeScript form is in lib/op-types.ts, their C++ reader in scripts/gen-ops.js. */
export type ArgType =
  | 'Tensor' // a tensor handle
  | 'Tensor?' // a tensor or nothing
  | 'Tensor[]' // an array of tensors
  | 'Operand' // a tensor or a number (a number becomes PyTorch's wrapped-number tensor)
  | 'Scalar' // a number, boolean or bigint
  | 'Scalar?'
  | 'ScalarOrStr?' // a number or a string, or nothing (linalg.norm's ord: 2, Infinity, 'fro', 'nuc')
  | 'float' // a JS number as a double
  | 'float?'
  | 'int' // an integral number
  | 'int?'
  | 'bool'
  | 'int[]'
  | 'int[]?'
  | 'dims' // an integer or an array of integers (x.sum(1) and x.sum([0, 1]))
  | 'dims?'
  | 'str'
  | 'DType?'
  | 'Device?'
  | 'Reduction'; // 'none' | 'mean' | 'sum'

export type ArgSpec = readonly [name: string, type: ArgType] | readonly [name: string, type: ArgType, dflt: number | boolean | string];
/** method: Tensor.prototype[name]; function: torch[name]; inplace: Tensor.prototype[name_] (and the native name_). */
export type Form = 'method' | 'function' | 'inplace';
/**
 * The result: one tensor (default), an array of tensors, a named pair of tensors ('indices' is int64,
 * the other has `out`'s dtype), a pair or one tensor (median with or without dim), self (in-place
 * methods such as exponential_), a tensor or an array (unique with returnCounts), or nothing.
 */
export type RetKind = 'Tensor' | 'Tensor[]' | readonly [string, string] | readonly ['Tensor|', string, string] | 'self' | 'Tensor|Tensor[]' | 'void';
/** The result dtype for the derived TypeScript types: the input's, a float, bool, int64, or any. */
export type OutDType = 'same' | 'float' | 'bool' | 'int64' | 'any';

export interface OpSpec {
  readonly args: readonly ArgSpec[];
  /** C++ expression over the argument names, or a block with `return` (default: at::snake_name(args...)). */
  readonly cpp?: string;
  /** C++ of the in-place form (default: self.snake_name_(other args...)). */
  readonly cppInplace?: string;
  readonly forms?: readonly Form[];
  readonly ret?: RetKind;
  readonly out?: OutDType;
  /** Arguments (by name) that only the options object sets, as after `*` in ATen's schemas. */
  readonly kwOnly?: readonly string[];
  /** Group, for the reference page. */
  readonly group: string;
}

const T = 'Tensor' as const;
const self = ['self', T] as const;
const other = ['other', 'Operand'] as const;
const dtypeArg = ['dtype', 'DType?'] as const;
const deviceArg = ['device', 'Device?'] as const;
const shapeArg = ['size', 'int[]'] as const;
/** The forms most ops have: x.name(), torch.name(x), x.name_(). */
const mif = ['method', 'function', 'inplace'] as const;
const mf = ['method', 'function'] as const;

export const OPS = {
  // ---- creation ((dtype, device) default to float32 on cpu)
  zeros: { group: 'creation', args: [shapeArg, dtypeArg, deviceArg], cpp: 'torch::zeros(size, options(dtype, device))' },
  ones: { group: 'creation', args: [shapeArg, dtypeArg, deviceArg], cpp: 'torch::ones(size, options(dtype, device))' },
  empty: { group: 'creation', args: [shapeArg, dtypeArg, deviceArg], cpp: 'torch::empty(size, options(dtype, device))' },
  full: { group: 'creation', args: [shapeArg, ['fillValue', 'Scalar'], dtypeArg, deviceArg], cpp: 'torch::full(size, fillValue, options(dtype, device))' },
  rand: { group: 'creation', args: [shapeArg, dtypeArg, deviceArg], cpp: 'torch::rand(size, options(dtype, device))' },
  randn: { group: 'creation', args: [shapeArg, dtypeArg, deviceArg], cpp: 'torch::randn(size, options(dtype, device))' },
  randint: {
    group: 'creation',
    args: [['low', 'int'], ['high', 'int'], shapeArg, dtypeArg, deviceArg],
    cpp: 'torch::randint(low, high, size, options(dtype.value_or(at::kLong), device))',
  },
  randperm: { group: 'creation', args: [['n', 'int'], dtypeArg, deviceArg], cpp: 'torch::randperm(n, options(dtype.value_or(at::kLong), device))' },
  // No dtype: PyTorch's inference (int64 for integral bounds, else the default float).
  arange: {
    group: 'creation',
    args: [['start', 'Scalar'], ['end', 'Scalar'], ['step', 'Scalar'], dtypeArg, deviceArg],
    cpp: 'torch::arange(start, end, step, dtype ? options(dtype, device) : at::TensorOptions().device(device.value_or(at::kCPU)))',
  },
  scalarTensor: { group: 'creation', args: [['s', 'Scalar'], dtypeArg, deviceArg], cpp: 'torch::scalar_tensor(s, options(dtype, device))' },
  eye: { group: 'creation', args: [['n', 'int'], dtypeArg, deviceArg], cpp: 'torch::eye(n, options(dtype, device))' },
  zerosLike: { group: 'creation', args: [self], cpp: 'torch::zeros_like(self)' },
  onesLike: { group: 'creation', args: [self], cpp: 'torch::ones_like(self)' },
  randLike: { group: 'creation', args: [self], cpp: 'torch::rand_like(self)' },
  randnLike: { group: 'creation', args: [self], cpp: 'torch::randn_like(self)' },
  bernoulli: { group: 'random', args: [self], cpp: 'torch::bernoulli(self)' },

  // ---- in-place fills and random fills (used by initialisers); the result is a second handle on self
  uniform_: { group: 'random', args: [self, ['from', 'float'], ['to', 'float']], cpp: 'self.uniform_(from, to)' },
  normal_: { group: 'random', args: [self, ['mean', 'float'], ['std', 'float']], cpp: 'self.normal_(mean, std)' },
  zero_: { group: 'creation', args: [self], cpp: 'self.zero_()' },
  fill_: { group: 'creation', args: [self, ['value', 'Scalar']], cpp: 'self.fill_(value)' },
  copy_: { group: 'creation', args: [self, ['src', T]], cpp: 'self.copy_(src)' },

  // ---- conversion and copies
  to: {
    group: 'conversion',
    args: [self, dtypeArg, deviceArg, ['nonBlocking', 'bool', false]],
    cpp: 'self.to(device.value_or(self.device()), dtype.value_or(self.scalar_type()), nonBlocking)',
  },
  contiguous: { group: 'conversion', args: [self], cpp: 'self.contiguous()' },
  clone: { group: 'conversion', args: [self], cpp: 'self.clone()' },
  detach: { group: 'conversion', args: [self], cpp: 'self.detach()' },
  // PyTorch's param.data = src: the same tensor (and every handle on it) now holds src's data.
  setData: { group: 'conversion', args: [self, ['src', T]], ret: 'void', cpp: '{ self.set_data(src); }' },

  // ---- arithmetic: the second operand is a tensor or a number (PyTorch's wrapped numbers)
  add: { group: 'arithmetic', args: [self, other, ['alpha', 'Scalar', 1]], cpp: 'self.add(other, alpha)' },
  sub: { group: 'arithmetic', args: [self, other, ['alpha', 'Scalar', 1]], cpp: 'self.sub(other, alpha)' },
  mul: { group: 'arithmetic', args: [self, other], cpp: 'self.mul(other)' },
  // roundingMode '' is true division; 'trunc' and 'floor' as PyTorch's rounding_mode (never trapping on
  // an integer minimum / -1: native/ops/integer_division.cc)
  div: { group: 'arithmetic', args: [self, other, ['roundingMode', 'str', '']], cpp: 'integerSafeDivision(self, other, "div", roundingMode, false)' },
  // pow keeps PyTorch's Scalar overload for a number exponent: x.pow(2) in Python takes it, with its
  // exact fast paths (square, sqrt, reciprocal) and its own gradient formula.
  pow: {
    group: 'arithmetic',
    args: [self, ['exponent', 'Operand']],
    cpp: 'isNumber(exponent) ? self.pow(exponent.item()) : self.pow(exponent)',
  },
  rsub: { group: 'arithmetic', args: [self, other], cpp: 'torch::rsub(self, other)' },
  add_: { group: 'arithmetic', args: [self, other, ['alpha', 'Scalar', 1]], cpp: 'self.add_(other, alpha)' },
  sub_: { group: 'arithmetic', args: [self, other, ['alpha', 'Scalar', 1]], cpp: 'self.sub_(other, alpha)' },
  mul_: { group: 'arithmetic', args: [self, other], cpp: 'self.mul_(other)' },
  div_: { group: 'arithmetic', args: [self, other, ['roundingMode', 'str', '']], cpp: 'integerSafeDivision(self, other, "div", roundingMode, true)' },
  neg: { group: 'arithmetic', args: [self], cpp: 'self.neg()' },
  matmul: { group: 'linalg', args: [self, ['other', T]], cpp: 'self.matmul(other)' },
  addmm: { group: 'linalg', args: [self, ['mat1', T], ['mat2', T], ['beta', 'Scalar', 1], ['alpha', 'Scalar', 1]], cpp: 'torch::addmm(self, mat1, mat2, beta, alpha)' },
  linear: { group: 'nn', args: [self, ['weight', T], ['bias', 'Tensor?']], cpp: 'linearOp(self, weight, bias)' },

  // ---- elementwise
  exp: { group: 'elementwise', args: [self], cpp: 'self.exp()' },
  log: { group: 'elementwise', args: [self], cpp: 'self.log()' },
  log1p: { group: 'elementwise', args: [self], cpp: 'self.log1p()' },
  sqrt: { group: 'elementwise', args: [self], cpp: 'self.sqrt()' },
  abs: { group: 'elementwise', args: [self], cpp: 'self.abs()' },
  clamp: { group: 'elementwise', args: [self, ['min', 'Scalar?'], ['max', 'Scalar?']], cpp: 'torch::clamp(self, min, max)' },
  relu: { group: 'elementwise', args: [self], cpp: 'torch::relu(self)' },
  sigmoid: { group: 'elementwise', args: [self], cpp: 'torch::sigmoid(self)' },
  tanh: { group: 'elementwise', args: [self], cpp: 'torch::tanh(self)' },
  softmax: { group: 'elementwise', args: [self, ['dim', 'int']], cpp: 'torch::softmax(self, dim)' },
  logSoftmax: { group: 'elementwise', args: [self, ['dim', 'int']], cpp: 'torch::log_softmax(self, dim)' },
  isnan: { group: 'elementwise', args: [self], cpp: 'self.isnan()' },
  isfinite: { group: 'elementwise', args: [self], cpp: 'self.isfinite()' },

  // ---- reductions: dims optional (every element when absent)
  sum: {
    group: 'reduction',
    args: [self, ['dim', 'int[]?'], ['keepdim', 'bool', false], dtypeArg],
    cpp: 'dim ? self.sum(*dim, keepdim, dtype) : self.sum(dtype)',
  },
  mean: { group: 'reduction', args: [self, ['dim', 'int[]?'], ['keepdim', 'bool', false]], cpp: 'dim ? self.mean(*dim, keepdim) : self.mean()' },
  maxAll: { group: 'reduction', args: [self], cpp: 'self.max()' },
  minAll: { group: 'reduction', args: [self], cpp: 'self.min()' },
  maxDim: { group: 'reduction', args: [self, ['dim', 'int'], ['keepdim', 'bool', false]], ret: ['values', 'indices'], cpp: 'self.max(dim, keepdim)' },
  minDim: { group: 'reduction', args: [self, ['dim', 'int'], ['keepdim', 'bool', false]], ret: ['values', 'indices'], cpp: 'self.min(dim, keepdim)' },
  argmax: { group: 'reduction', args: [self, ['dim', 'int?'], ['keepdim', 'bool', false]], cpp: 'self.argmax(dim, keepdim)' },
  logsumexp: { group: 'reduction', args: [self, ['dim', 'int[]'], ['keepdim', 'bool', false]], cpp: 'self.logsumexp(dim, keepdim)' },
  any: { group: 'reduction', args: [self], cpp: 'self.any()' },
  all: { group: 'reduction', args: [self], cpp: 'self.all()' },

  // ---- comparisons (tensor or number) and selection
  eq: { group: 'comparison', args: [self, other], cpp: 'self.eq(other)' },
  ne: { group: 'comparison', args: [self, other], cpp: 'self.ne(other)' },
  lt: { group: 'comparison', args: [self, other], cpp: 'self.lt(other)' },
  le: { group: 'comparison', args: [self, other], cpp: 'self.le(other)' },
  gt: { group: 'comparison', args: [self, other], cpp: 'self.gt(other)' },
  ge: { group: 'comparison', args: [self, other], cpp: 'self.ge(other)' },
  // where's number operands, as PyTorch's where.Scalar*: the result dtype follows the wrapped-number
  // rules, and a number is converted to it on the condition's device, checked for overflow.
  where: { group: 'comparison', args: [['condition', T], ['input', 'Operand'], other], cpp: 'whereOp(condition, input, other)' },

  // ---- shape and indexing
  view: { group: 'shape', args: [self, shapeArg], cpp: 'self.view(size)' },
  reshape: { group: 'shape', args: [self, ['shape', 'int[]']], cpp: 'self.reshape(shape)' },
  flatten: { group: 'shape', args: [self, ['startDim', 'int', 0], ['endDim', 'int', -1]], cpp: 'self.flatten(startDim, endDim)' },
  permute: { group: 'shape', args: [self, ['dims', 'int[]']], cpp: 'self.permute(dims)' },
  transpose: { group: 'shape', args: [self, ['dim0', 'int'], ['dim1', 'int']], cpp: 'self.transpose(dim0, dim1)' },
  unsqueeze: { group: 'shape', args: [self, ['dim', 'int']], cpp: 'self.unsqueeze(dim)' },
  squeeze: { group: 'shape', args: [self, ['dim', 'int?']], cpp: 'dim ? self.squeeze(*dim) : self.squeeze()' },
  expand: { group: 'shape', args: [self, shapeArg], cpp: 'self.expand(size)' },
  cat: { group: 'shape', args: [['tensors', 'Tensor[]'], ['dim', 'int', 0]], cpp: 'torch::cat(tensors, dim)' },
  stack: { group: 'shape', args: [['tensors', 'Tensor[]'], ['dim', 'int', 0]], cpp: 'torch::stack(tensors, dim)' },
  select: { group: 'indexing', args: [self, ['dim', 'int'], ['index', 'int']], cpp: 'self.select(dim, index)' },
  narrow: { group: 'indexing', args: [self, ['dim', 'int'], ['start', 'int'], ['length', 'int']], cpp: 'self.narrow(dim, start, length)' },
  indexSelect: { group: 'indexing', args: [self, ['dim', 'int'], ['index', T]], cpp: 'self.index_select(dim, index)' },
  gather: { group: 'indexing', args: [self, ['dim', 'int'], ['index', T]], cpp: 'self.gather(dim, index)' },
  // scatter's number source is PyTorch's scatter.value (a Scalar overload), not a wrapped tensor.
  scatter: {
    group: 'indexing',
    args: [self, ['dim', 'int'], ['index', T], ['src', 'Operand']],
    cpp: 'isNumber(src) ? self.scatter(dim, index, src.item()) : self.scatter(dim, index, src)',
  },
  oneHot: { group: 'nn', args: [self, ['numClasses', 'int', -1]], cpp: 'torch::one_hot(self, numClasses)' },

  // ---- losses
  binaryCrossEntropy: {
    group: 'nn',
    args: [self, ['target', T], ['weight', 'Tensor?'], ['reduction', 'Reduction', 'mean']],
    cpp: 'binaryCrossEntropyOp(self, target, weight, reduction)',
  },
  // nn.functional's losses (native/ops/losses.cc: F.*'s size checks and broadcasting around ATen's kernels).
  // Arguments that PyTorch places after its deprecated size_average/reduce are options only, so that a
  // positional call means what it means in PyTorch.
  mseLoss: { group: 'loss', args: [self, ['target', T], ['reduction', 'Reduction', 'mean']], kwOnly: ['reduction'], forms: ['function'], out: 'same', cpp: 'mseLossOp(self, target, reduction)' },
  l1Loss: { group: 'loss', args: [self, ['target', T], ['reduction', 'Reduction', 'mean']], kwOnly: ['reduction'], forms: ['function'], out: 'same', cpp: 'l1LossOp(self, target, reduction)' },
  smoothL1Loss: {
    group: 'loss',
    args: [self, ['target', T], ['reduction', 'Reduction', 'mean'], ['beta', 'float', 1]],
    kwOnly: ['reduction', 'beta'],
    forms: ['function'],
    out: 'same',
    cpp: 'smoothL1LossOp(self, target, reduction, beta)',
  },
  huberLoss: { group: 'loss', args: [self, ['target', T], ['reduction', 'Reduction', 'mean'], ['delta', 'float', 1]], forms: ['function'], out: 'same', cpp: 'huberLossOp(self, target, reduction, delta)' },
  // target: class indices (int64, input without its class dim) or class probabilities (input's shape)
  crossEntropy: {
    group: 'loss',
    args: [self, ['target', T], ['weight', 'Tensor?'], ['ignoreIndex', 'int', -100], ['reduction', 'Reduction', 'mean'], ['labelSmoothing', 'float', 0]],
    kwOnly: ['ignoreIndex', 'reduction', 'labelSmoothing'],
    forms: ['function'],
    out: 'same',
    cpp: 'crossEntropyOp(self, target, weight, ignoreIndex, reduction, labelSmoothing)',
  },
  nllLoss: {
    group: 'loss',
    args: [self, ['target', T], ['weight', 'Tensor?'], ['ignoreIndex', 'int', -100], ['reduction', 'Reduction', 'mean']],
    kwOnly: ['ignoreIndex', 'reduction'],
    forms: ['function'],
    out: 'same',
    cpp: 'nllLossOp(self, target, weight, ignoreIndex, reduction)',
  },
  binaryCrossEntropyWithLogits: {
    group: 'loss',
    args: [self, ['target', T], ['weight', 'Tensor?'], ['reduction', 'Reduction', 'mean'], ['posWeight', 'Tensor?']],
    kwOnly: ['reduction', 'posWeight'],
    forms: ['function'],
    out: 'same',
    cpp: 'bceWithLogitsOp(self, target, weight, posWeight, reduction)',
  },
  // reduction also 'batchmean' (the sum over the batch size: KL's definition)
  klDiv: { group: 'loss', args: [self, ['target', T], ['reduction', 'str', 'mean'], ['logTarget', 'bool', false]], kwOnly: ['reduction', 'logTarget'], forms: ['function'], out: 'same', cpp: 'klDivOp(self, target, reduction, logTarget)' },
  gaussianNllLoss: {
    group: 'loss',
    args: [self, ['target', T], ['var', T], ['full', 'bool', false], ['eps', 'float', 1e-6], ['reduction', 'Reduction', 'mean']],
    forms: ['function'],
    out: 'same',
    cpp: 'gaussianNllLossOp(self, target, var, full, eps, reduction)',
  },

  // ---- elementwise math (derived forms: x.sin(), torch.sin(x), x.sin_())
  sin: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  cos: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  tan: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  asin: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  acos: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  atan: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  sinh: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  cosh: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  asinh: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  acosh: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  atanh: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  erf: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  erfc: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  erfinv: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  expm1: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  exp2: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  log2: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  log10: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  rsqrt: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  reciprocal: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  lgamma: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  digamma: { group: 'elementwise', args: [self], forms: mif, out: 'float' },
  square: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  sign: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  floor: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  ceil: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  round: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  trunc: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  frac: { group: 'elementwise', args: [self], forms: mif, out: 'same' },
  atan2: { group: 'elementwise', args: [self, ['other', T]], forms: mif, out: 'float' },
  fmod: { group: 'elementwise', args: [self, other], forms: mif, out: 'any', cpp: 'integerSafeDivision(self, other, "fmod", "", false)', cppInplace: 'integerSafeDivision(self, other, "fmod", "", true)' },
  remainder: {
    group: 'elementwise',
    args: [self, other],
    forms: mif,
    out: 'any',
    cpp: 'integerSafeDivision(self, other, "remainder", "", false)',
    cppInplace: 'integerSafeDivision(self, other, "remainder", "", true)',
  },
  // lerp's number weight takes the Scalar overload (as Python's does), a tensor weight the Tensor one.
  lerp: {
    group: 'elementwise',
    args: [self, ['end', T], ['weight', 'Operand']],
    forms: mif,
    out: 'same',
    cpp: 'isNumber(weight) ? at::lerp(self, end, weight.item()) : at::lerp(self, end, weight)',
    cppInplace: 'isNumber(weight) ? self.lerp_(end, weight.item()) : self.lerp_(end, weight)',
  },
  hypot: { group: 'elementwise', args: [self, ['other', T]], forms: mif, out: 'same' },
  logaddexp: { group: 'elementwise', args: [self, ['other', T]], forms: mf, out: 'same' },
  xlogy: { group: 'elementwise', args: [self, other], forms: mif, out: 'float' },
  maximum: { group: 'elementwise', args: [self, ['other', T]], forms: mf, out: 'any' },
  minimum: { group: 'elementwise', args: [self, ['other', T]], forms: mf, out: 'any' },
  nanToNum: { group: 'elementwise', args: [self, ['nan', 'float?'], ['posinf', 'float?'], ['neginf', 'float?']], forms: mif, out: 'same' },
  isinf: { group: 'elementwise', args: [self], forms: mf, out: 'bool' },
  logicalNot: { group: 'elementwise', args: [self], forms: mif, out: 'bool' },
  logicalAnd: { group: 'elementwise', args: [self, ['other', T]], forms: mif, out: 'bool' },
  logicalOr: { group: 'elementwise', args: [self, ['other', T]], forms: mif, out: 'bool' },
  logicalXor: { group: 'elementwise', args: [self, ['other', T]], forms: mif, out: 'bool' },
  // ---- sorting and selection
  topk: {
    group: 'sorting',
    args: [self, ['k', 'int'], ['dim', 'int', -1], ['largest', 'bool', true], ['sorted', 'bool', true]],
    forms: mf,
    out: 'same',
    ret: ['values', 'indices'],
  },
  sort: {
    group: 'sorting',
    args: [self, ['dim', 'int', -1], ['descending', 'bool', false], ['stable', 'bool', false]],
    kwOnly: ['stable'],
    forms: mf,
    out: 'same',
    ret: ['values', 'indices'],
    cpp: 'at::sort(self, stable, dim, descending)',
  },
  argsort: {
    group: 'sorting',
    args: [self, ['dim', 'int', -1], ['descending', 'bool', false], ['stable', 'bool', false]],
    kwOnly: ['stable'],
    forms: mf,
    out: 'int64',
    cpp: 'std::get<1>(at::sort(self, stable, dim, descending))',
  },
  kthvalue: { group: 'sorting', args: [self, ['k', 'int'], ['dim', 'int', -1], ['keepdim', 'bool', false]], forms: mf, out: 'same', ret: ['values', 'indices'] },
  // The unique values; with returnInverse / returnCounts, [values, inverse?, counts?] as PyTorch's tuple.
  unique: {
    group: 'sorting',
    args: [self, ['sorted', 'bool', true], ['returnInverse', 'bool', false], ['returnCounts', 'bool', false], ['dim', 'int?']],
    forms: mf,
    out: 'same',
    ret: 'Tensor|Tensor[]',
    cpp: 'return uniqueOp(a.env(), self, sorted, returnInverse, returnCounts, dim)',
  },
  searchsorted: {
    group: 'sorting',
    args: [['sortedSequence', T], ['values', 'Operand'], ['outInt32', 'bool', false], ['right', 'bool', false]],
    kwOnly: ['outInt32', 'right'],
    forms: ['function'],
    out: 'int64',
    cpp: 'isNumber(values) ? at::searchsorted(sortedSequence, values.item(), outInt32, right) : at::searchsorted(sortedSequence, values, outInt32, right)',
  },

  // ---- reductions (dim: an integer or an array; every element when absent)
  prod: {
    group: 'reduction',
    args: [self, ['dim', 'int?'], ['keepdim', 'bool', false], dtypeArg],
    kwOnly: ['dtype'],
    forms: mf,
    out: 'any',
    cpp: 'dim ? at::prod(self, *dim, keepdim, dtype) : at::prod(self, dtype)',
  },
  std: {
    group: 'reduction',
    args: [self, ['dim', 'dims?'], ['correction', 'int', 1], ['keepdim', 'bool', false]],
    kwOnly: ['correction', 'keepdim'],
    forms: mf,
    out: 'float',
    cpp: 'at::std(self, optDims(dim), c10::optional<int64_t>(correction), keepdim)',
  },
  var: {
    group: 'reduction',
    args: [self, ['dim', 'dims?'], ['correction', 'int', 1], ['keepdim', 'bool', false]],
    kwOnly: ['correction', 'keepdim'],
    forms: mf,
    out: 'float',
    cpp: 'at::var(self, optDims(dim), c10::optional<int64_t>(correction), keepdim)',
  },
  norm: {
    group: 'reduction',
    args: [self, ['p', 'float', 2], ['dim', 'dims?'], ['keepdim', 'bool', false]],
    forms: mf,
    out: 'float',
    cpp: 'dim ? at::norm(self, at::Scalar(p), *dim, keepdim) : at::norm(self, at::Scalar(p))',
  },
  amax: { group: 'reduction', args: [self, ['dim', 'dims?'], ['keepdim', 'bool', false]], forms: mf, out: 'same', cpp: 'at::amax(self, dim.value_or(std::vector<int64_t>{}), keepdim)' },
  amin: { group: 'reduction', args: [self, ['dim', 'dims?'], ['keepdim', 'bool', false]], forms: mf, out: 'same', cpp: 'at::amin(self, dim.value_or(std::vector<int64_t>{}), keepdim)' },
  argmin: { group: 'reduction', args: [self, ['dim', 'int?'], ['keepdim', 'bool', false]], forms: mf, out: 'int64' },
  cumsum: { group: 'reduction', args: [self, ['dim', 'int'], dtypeArg], kwOnly: ['dtype'], forms: mif, out: 'any' },
  cumprod: { group: 'reduction', args: [self, ['dim', 'int'], dtypeArg], kwOnly: ['dtype'], forms: mif, out: 'any' },
  logcumsumexp: { group: 'reduction', args: [self, ['dim', 'int']], forms: mf, out: 'float' },
  cummax: { group: 'reduction', args: [self, ['dim', 'int']], forms: mf, out: 'same', ret: ['values', 'indices'] },
  cummin: { group: 'reduction', args: [self, ['dim', 'int']], forms: mf, out: 'same', ret: ['values', 'indices'] },
  // Without dim the median of every element; with dim, values and indices.
  median: {
    group: 'reduction',
    args: [self, ['dim', 'int?'], ['keepdim', 'bool', false]],
    forms: mf,
    out: 'same',
    ret: ['Tensor|', 'values', 'indices'],
    cpp: 'return dim ? toJs(a.env(), self.median(*dim, keepdim)) : toJs(a.env(), self.median())',
  },
  countNonzero: { group: 'reduction', args: [self, ['dim', 'dims?']], forms: mf, out: 'int64', cpp: 'dim ? at::count_nonzero(self, *dim) : at::count_nonzero(self)' },
  aminmax: {
    group: 'reduction',
    args: [self, ['dim', 'int?'], ['keepdim', 'bool', false]],
    kwOnly: ['dim', 'keepdim'],
    forms: mf,
    out: 'same',
    ret: ['min', 'max'],
  },

  // ---- indexing and masks
  maskedFill: {
    group: 'indexing',
    args: [self, ['mask', T], ['value', 'Operand']],
    forms: mif,
    out: 'same',
    cpp: 'isNumber(value) ? self.masked_fill(mask, value.item()) : self.masked_fill(mask, value)',
    cppInplace: 'isNumber(value) ? self.masked_fill_(mask, value.item()) : self.masked_fill_(mask, value)',
  },
  maskedSelect: { group: 'indexing', args: [self, ['mask', T]], forms: mf, out: 'same' },
  indexAdd: { group: 'indexing', args: [self, ['dim', 'int'], ['index', T], ['source', T], ['alpha', 'Scalar', 1]], kwOnly: ['alpha'], forms: mif, out: 'same' },
  indexCopy: { group: 'indexing', args: [self, ['dim', 'int'], ['index', T], ['source', T]], forms: mif, out: 'same' },
  indexFill: {
    group: 'indexing',
    args: [self, ['dim', 'int'], ['index', T], ['value', 'Operand']],
    forms: mif,
    out: 'same',
    cpp: 'isNumber(value) ? self.index_fill(dim, index, value.item()) : self.index_fill(dim, index, value)',
    cppInplace: 'isNumber(value) ? self.index_fill_(dim, index, value.item()) : self.index_fill_(dim, index, value)',
  },
  scatterAdd: { group: 'indexing', args: [self, ['dim', 'int'], ['index', T], ['src', T]], forms: mif, out: 'same' },
  scatterReduce: {
    group: 'indexing',
    args: [self, ['dim', 'int'], ['index', T], ['src', T], ['reduce', 'str'], ['includeSelf', 'bool', true]],
    kwOnly: ['includeSelf'],
    forms: mif,
    out: 'same',
  },
  takeAlongDim: { group: 'indexing', args: [self, ['indices', T], ['dim', 'int?']], forms: mf, out: 'same' },
  nonzero: { group: 'indexing', args: [self], forms: mf, out: 'int64' },
  diag: { group: 'indexing', args: [self, ['diagonal', 'int', 0]], forms: mf, out: 'same' },
  diagonal: { group: 'indexing', args: [self, ['offset', 'int', 0], ['dim1', 'int', 0], ['dim2', 'int', 1]], forms: mf, out: 'same' },
  tril: { group: 'indexing', args: [self, ['diagonal', 'int', 0]], forms: mif, out: 'same' },
  triu: { group: 'indexing', args: [self, ['diagonal', 'int', 0]], forms: mif, out: 'same' },

  // ---- shape
  repeat: { group: 'shape', args: [self, ['repeats', 'int[]']], forms: ['method'], out: 'same', cpp: 'self.repeat(repeats)' },
  tile: { group: 'shape', args: [self, ['dims', 'int[]']], forms: mf, out: 'same' },
  expandAs: { group: 'shape', args: [self, ['other', T]], forms: ['method'], out: 'same', cpp: 'self.expand_as(other)' },
  roll: { group: 'shape', args: [self, ['shifts', 'dims'], ['dims', 'dims?']], forms: mf, out: 'same', cpp: 'at::roll(self, shifts, dims.value_or(std::vector<int64_t>{}))' },
  chunk: { group: 'shape', args: [self, ['chunks', 'int'], ['dim', 'int', 0]], forms: mf, out: 'same', ret: 'Tensor[]' },
  // split(2) in pieces of 2, split([1, 3]) in pieces of those sizes.
  split: {
    group: 'shape',
    args: [self, ['splitSize', 'dims'], ['dim', 'int', 0]],
    forms: mf,
    out: 'same',
    ret: 'Tensor[]',
    cpp: 'a.raw(1).IsNumber() ? at::split(self, splitSize[0], dim) : at::split_with_sizes(self, splitSize, dim)',
  },
  unbind: { group: 'shape', args: [self, ['dim', 'int', 0]], forms: mf, out: 'same', ret: 'Tensor[]' },
  movedim: { group: 'shape', args: [self, ['source', 'dims'], ['destination', 'dims']], forms: mf, out: 'same' },
  viewAs: { group: 'shape', args: [self, ['other', T]], forms: ['method'], out: 'same', cpp: 'self.view_as(other)' },
  reshapeAs: { group: 'shape', args: [self, ['other', T]], forms: ['method'], out: 'same', cpp: 'self.reshape_as(other)' },
  flip: { group: 'shape', args: [self, ['dims', 'dims']], forms: mf, out: 'same' },
  swapaxes: { group: 'shape', args: [self, ['axis0', 'int'], ['axis1', 'int']], forms: mf, out: 'same' },
  broadcastTo: { group: 'shape', args: [self, ['size', 'int[]']], forms: mf, out: 'same' },
  meshgrid: { group: 'shape', args: [['tensors', 'Tensor[]'], ['indexing', 'str', 'ij']], kwOnly: ['indexing'], forms: ['function'], ret: 'Tensor[]' },

  // ---- linear algebra
  mm: { group: 'linalg', args: [self, ['mat2', T]], forms: mf, out: 'same' },
  bmm: { group: 'linalg', args: [self, ['mat2', T]], forms: mf, out: 'same' },
  baddbmm: { group: 'linalg', args: [self, ['batch1', T], ['batch2', T], ['beta', 'Scalar', 1], ['alpha', 'Scalar', 1]], kwOnly: ['beta', 'alpha'], forms: mif, out: 'same' },
  mv: { group: 'linalg', args: [self, ['vec', T]], forms: mf, out: 'same' },
  dot: { group: 'linalg', args: [self, ['other', T]], forms: mf, out: 'same' },
  outer: { group: 'linalg', args: [self, ['vec2', T]], forms: mf, out: 'same' },
  trace: { group: 'linalg', args: [self], forms: mf, out: 'same' },
  einsum: { group: 'linalg', args: [['equation', 'str'], ['operands', 'Tensor[]']], forms: ['function'] },
  // tensordot(a, b, n): the last n dims of a with the first n of b.
  tensordot: {
    group: 'linalg',
    args: [self, ['other', T], ['dims', 'int', 2]],
    forms: ['function'],
    out: 'same',
    cpp: 'at::tensordot(self, other, lastDims(self, dims), firstDims(other, dims))',
  },
  // torch.linalg.qr (for nn.init.orthogonal_; no public form yet)
  linalgQr: { group: 'linalg', args: [self, ['mode', 'str', 'reduced']], ret: ['Q', 'R'], cpp: 'at::linalg_qr(self, mode)' },
  cdist: { group: 'linalg', args: [['x1', T], ['x2', T], ['p', 'float', 2]], forms: ['function'], out: 'same', cpp: 'at::cdist(x1, x2, p)' },
  // torch.linalg.norm (also torch.linalg.norm in lib/linalg.ts): a vector norm, or a matrix norm over two
  // dims; ord a number (Infinity, -Infinity, 0 included) or 'fro' / 'nuc'; ATen picks as PyTorch does.
  linalgNorm: {
    group: 'linalg',
    args: [self, ['ord', 'ScalarOrStr?'], ['dim', 'dims?'], ['keepdim', 'bool', false], dtypeArg],
    kwOnly: ['dtype'],
    forms: ['function'],
    out: 'float',
    cpp: 'ord.str ? at::linalg_norm(self, *ord.str, optDims(dim), keepdim, dtype) : at::linalg_norm(self, ord.num, optDims(dim), keepdim, dtype)',
  },

  // ---- random (the CPU draws equal PyTorch's for the same seed)
  multinomial: { group: 'random', args: [self, ['numSamples', 'int'], ['replacement', 'bool', false]], forms: mf, out: 'int64' },
  poisson: { group: 'random', args: [self], forms: ['function'], out: 'same' },
  normal: { group: 'random', args: [['mean', T], ['std', T]], forms: ['function'], out: 'same', cpp: 'at::normal(mean, std)' },
  exponential_: { group: 'random', args: [self, ['lambd', 'float', 1]], forms: ['method'], ret: 'self', cpp: 'self.exponential_(lambd)' },
  randintLike: {
    group: 'random',
    args: [self, ['low', 'int'], ['high', 'int?']],
    forms: ['function'],
    out: 'same',
    cpp: 'high ? at::randint_like(self, low, *high) : at::randint_like(self, low)',
  },

  // ---- creation
  linspace: {
    group: 'creation',
    args: [['start', 'Scalar'], ['end', 'Scalar'], ['steps', 'int'], dtypeArg, deviceArg],
    kwOnly: ['dtype', 'device'],
    forms: ['function'],
    cpp: 'at::linspace(start, end, steps, options(dtype, device))',
  },
  logspace: {
    group: 'creation',
    args: [['start', 'Scalar'], ['end', 'Scalar'], ['steps', 'int'], ['base', 'float', 10], dtypeArg, deviceArg],
    kwOnly: ['dtype', 'device'],
    forms: ['function'],
    cpp: 'at::logspace(start, end, steps, base, options(dtype, device))',
  },
  fullLike: { group: 'creation', args: [self, ['fillValue', 'Scalar'], dtypeArg], kwOnly: ['dtype'], forms: ['function'], out: 'any', cpp: 'at::full_like(self, fillValue, at::TensorOptions().dtype(dtype))' },
  emptyLike: { group: 'creation', args: [self, dtypeArg], kwOnly: ['dtype'], forms: ['function'], out: 'any', cpp: 'at::empty_like(self, at::TensorOptions().dtype(dtype))' },
  trilIndices: {
    group: 'creation',
    args: [['row', 'int'], ['col', 'int'], ['offset', 'int', 0], dtypeArg],
    kwOnly: ['dtype'],
    forms: ['function'],
    cpp: 'at::tril_indices(row, col, offset, options(dtype.value_or(at::kLong), c10::nullopt))',
  },
  // ---- bitwise (integers and bool)
  bitwiseAnd: { group: 'bitwise', args: [self, other], forms: mif, out: 'same' },
  bitwiseOr: { group: 'bitwise', args: [self, other], forms: mif, out: 'same' },
  bitwiseXor: { group: 'bitwise', args: [self, other], forms: mif, out: 'same' },
  bitwiseNot: { group: 'bitwise', args: [self], forms: mif, out: 'same' },
  bitwiseLeftShift: { group: 'bitwise', args: [self, other], forms: mif, out: 'same' },
  bitwiseRightShift: { group: 'bitwise', args: [self, other], forms: mif, out: 'same' },

  // ---- clamp with tensor bounds (Tensor.clamp takes numbers or tensors; this is its tensor native)
  clampTensor: {
    group: 'elementwise',
    args: [self, ['min', 'Tensor?'], ['max', 'Tensor?']],
    cpp: 'at::clamp(self, min.defined() ? c10::optional<at::Tensor>(min) : c10::nullopt, max.defined() ? c10::optional<at::Tensor>(max) : c10::nullopt)',
  },
  // nn.functional.pad: pad lists (left, right) pairs from the last dim backwards.
  pad: {
    group: 'nn',
    args: [self, ['pad', 'int[]'], ['mode', 'str', 'constant'], ['value', 'float?']],
    forms: ['function'],
    out: 'same',
    cpp: 'at::pad(self, pad, mode, value)',
  },
  // ---- nn.functional: convolution, pooling, normalisation, dropout, embedding, activations (ATen's
  // kernels; sizes given as one int or one per spatial dim, as PyTorch's _pair/_single accept)
  conv1d: { group: 'nn', args: [self, ['weight', T], ['bias', 'Tensor?'], ['stride', 'dims', 1], ['padding', 'dims', 0], ['dilation', 'dims', 1], ['groups', 'int', 1]], forms: ['function'], out: 'same' },
  conv2d: { group: 'nn', args: [self, ['weight', T], ['bias', 'Tensor?'], ['stride', 'dims', 1], ['padding', 'dims', 0], ['dilation', 'dims', 1], ['groups', 'int', 1]], forms: ['function'], out: 'same' },
  convTranspose1d: {
    group: 'nn',
    args: [self, ['weight', T], ['bias', 'Tensor?'], ['stride', 'dims', 1], ['padding', 'dims', 0], ['outputPadding', 'dims', 0], ['groups', 'int', 1], ['dilation', 'dims', 1]],
    forms: ['function'],
    out: 'same',
  },
  convTranspose2d: {
    group: 'nn',
    args: [self, ['weight', T], ['bias', 'Tensor?'], ['stride', 'dims', 1], ['padding', 'dims', 0], ['outputPadding', 'dims', 0], ['groups', 'int', 1], ['dilation', 'dims', 1]],
    forms: ['function'],
    out: 'same',
  },
  // stride defaults to the kernel size (ATen reads an empty stride so)
  maxPool1d: {
    group: 'nn',
    args: [self, ['kernelSize', 'dims'], ['stride', 'dims?'], ['padding', 'dims', 0], ['dilation', 'dims', 1], ['ceilMode', 'bool', false]],
    forms: ['function'],
    out: 'same',
    cpp: 'at::max_pool1d(self, kernelSize, stride.value_or(std::vector<int64_t>{}), padding, dilation, ceilMode)',
  },
  maxPool2d: {
    group: 'nn',
    args: [self, ['kernelSize', 'dims'], ['stride', 'dims?'], ['padding', 'dims', 0], ['dilation', 'dims', 1], ['ceilMode', 'bool', false]],
    forms: ['function'],
    out: 'same',
    cpp: 'maxPool2dOp(self, kernelSize, stride.value_or(std::vector<int64_t>{}), padding, dilation, ceilMode)',
  },
  avgPool1d: {
    group: 'nn',
    args: [self, ['kernelSize', 'dims'], ['stride', 'dims?'], ['padding', 'dims', 0], ['ceilMode', 'bool', false], ['countIncludePad', 'bool', true]],
    forms: ['function'],
    out: 'same',
    cpp: 'at::avg_pool1d(self, kernelSize, stride.value_or(std::vector<int64_t>{}), padding, ceilMode, countIncludePad)',
  },
  avgPool2d: {
    group: 'nn',
    args: [self, ['kernelSize', 'dims'], ['stride', 'dims?'], ['padding', 'dims', 0], ['ceilMode', 'bool', false], ['countIncludePad', 'bool', true], ['divisorOverride', 'int?']],
    forms: ['function'],
    out: 'same',
    cpp: 'at::avg_pool2d(self, kernelSize, stride.value_or(std::vector<int64_t>{}), padding, ceilMode, countIncludePad, divisorOverride)',
  },
  adaptiveAvgPool1d: { group: 'nn', args: [self, ['outputSize', 'dims']], forms: ['function'], out: 'same' },
  adaptiveAvgPool2d: {
    group: 'nn',
    args: [self, ['outputSize', 'dims']],
    forms: ['function'],
    out: 'same',
    cpp: 'at::adaptive_avg_pool2d(self, outputSize.size() == 1 ? std::vector<int64_t>{outputSize[0], outputSize[0]} : outputSize)',
  },
  adaptiveMaxPool2d: {
    group: 'nn',
    args: [self, ['outputSize', 'dims']],
    forms: ['function'],
    out: 'same',
    cpp: 'std::get<0>(at::adaptive_max_pool2d(self, outputSize.size() == 1 ? std::vector<int64_t>{outputSize[0], outputSize[0]} : outputSize))',
  },
  // F.batch_norm's order; updates runningMean/runningVar in place in training, as ATen does
  batchNorm: {
    group: 'nn',
    args: [self, ['runningMean', 'Tensor?'], ['runningVar', 'Tensor?'], ['weight', 'Tensor?'], ['bias', 'Tensor?'], ['training', 'bool', false], ['momentum', 'float', 0.1], ['eps', 'float', 1e-5]],
    forms: ['function'],
    out: 'same',
    cpp: 'at::batch_norm(self, weight, bias, runningMean, runningVar, training, momentum, eps, true)',
  },
  layerNorm: {
    group: 'nn',
    args: [self, ['normalizedShape', 'dims'], ['weight', 'Tensor?'], ['bias', 'Tensor?'], ['eps', 'float', 1e-5]],
    forms: ['function'],
    out: 'same',
    cpp: 'at::layer_norm(self, normalizedShape, weight, bias, eps)',
  },
  groupNorm: { group: 'nn', args: [self, ['numGroups', 'int'], ['weight', 'Tensor?'], ['bias', 'Tensor?'], ['eps', 'float', 1e-5]], forms: ['function'], out: 'same', cpp: 'at::group_norm(self, numGroups, weight, bias, eps)' },
  dropout: { group: 'nn', args: [self, ['p', 'float', 0.5], ['training', 'bool', true]], forms: ['function'], out: 'same' },
  // F.dropout2d: whole channels zeroed
  dropout2d: { group: 'nn', args: [self, ['p', 'float', 0.5], ['training', 'bool', true]], forms: ['function'], out: 'same', cpp: 'at::feature_dropout(self, p, training)' },
  // F.embedding(input, weight, padding_idx): a negative paddingIdx counts from the end, as in Python
  embedding: {
    group: 'nn',
    args: [self, ['weight', T], ['paddingIdx', 'int?'], ['scaleGradByFreq', 'bool', false]],
    forms: ['function'],
    out: 'any',
    cpp: 'at::embedding(weight, self, paddingIdx ? (*paddingIdx < 0 ? *paddingIdx + weight.size(0) : *paddingIdx) : -1, scaleGradByFreq, false)',
  },
  elu: { group: 'activation', args: [self, ['alpha', 'Scalar', 1]], forms: ['function'], out: 'same' },
  selu: { group: 'activation', args: [self], forms: ['function'], out: 'same' },
  celu: { group: 'activation', args: [self, ['alpha', 'Scalar', 1]], forms: ['function'], out: 'same' },
  leakyRelu: { group: 'activation', args: [self, ['negativeSlope', 'Scalar', 0.01]], forms: ['function'], out: 'same' },
  gelu: { group: 'activation', args: [self, ['approximate', 'str', 'none']], forms: ['function'], out: 'same' },
  silu: { group: 'activation', args: [self], forms: ['function'], out: 'same' },
  mish: { group: 'activation', args: [self], forms: ['function'], out: 'same' },
  softplus: { group: 'activation', args: [self, ['beta', 'Scalar', 1], ['threshold', 'Scalar', 20]], forms: ['function'], out: 'same' },
  logsigmoid: { group: 'activation', args: [self], forms: ['function'], out: 'same', cpp: 'at::log_sigmoid(self)' },
  hardtanh: { group: 'activation', args: [self, ['minVal', 'Scalar', -1], ['maxVal', 'Scalar', 1]], forms: ['function'], out: 'same' },
  hardsigmoid: { group: 'activation', args: [self], forms: ['function'], out: 'same' },
  hardswish: { group: 'activation', args: [self], forms: ['function'], out: 'same' },
  relu6: { group: 'activation', args: [self], forms: ['function'], out: 'same', cpp: 'at::hardtanh(self, 0, 6)' },
  // ---- natives of lib/structures and lib/nn/utils, registered and checked as every table op (no derived
  // forms: their public functions in lib/ check the arguments first and call them through op()).
  relaxedTopK: {
    group: 'structures',
    args: [['scores', T], ['noise', 'Tensor?'], ['k', 'int'], ['tau', 'float'], ['hard', 'bool'], ['dim', 'int']],
    cpp: 'structures::relaxedTopK(scores, noise, k, tau, hard, dim)',
  },
  gumbelTopK: { group: 'structures', args: [['scores', T], ['noise', 'Tensor?'], ['k', 'int'], ['dim', 'int']], ret: ['indices', 'mask'], cpp: 'structures::gumbelTopK(scores, noise, k, dim)' },
  subsetLogProb: { group: 'structures', args: [['scores', T], ['indices', T], ['dim', 'int']], cpp: 'structures::subsetLogProb(scores, indices, dim)' },
  sinkhorn: { group: 'structures', args: [['logAlpha', T], ['iters', 'int']], cpp: 'structures::sinkhorn(logAlpha, iters)' },
  gumbelSinkhorn: {
    group: 'structures',
    args: [['logAlpha', T], ['noise', 'Tensor?'], ['tau', 'float'], ['iters', 'int']],
    cpp: 'structures::gumbelSinkhorn(logAlpha, noise, tau, iters)',
  },
  matching: { group: 'structures', args: [['logAlpha', T]], cpp: 'structures::matching(logAlpha)' },
  permutationMatrix: { group: 'structures', args: [['indices', T], dtypeArg], cpp: 'structures::permutationMatrix(indices, dtype.value_or(at::kFloat))' },
  kendallTau: { group: 'structures', args: [['x', T], ['y', T]], cpp: 'structures::kendallTau(x, y)' },
  clipGradNorm_: {
    group: 'nn',
    args: [['parameters', 'Tensor[]'], ['maxNorm', 'float'], ['normType', 'float'], ['errorIfNonfinite', 'bool']],
    cpp: 'clipGradNorm(parameters, maxNorm, normType, errorIfNonfinite)',
  },
  clipGradValue_: { group: 'nn', args: [['parameters', 'Tensor[]'], ['clipValue', 'float']], ret: 'void', cpp: '{ clipGradValue(parameters, clipValue); }' },
  parametersToVector: { group: 'nn', args: [['parameters', 'Tensor[]']], cpp: 'parametersToVector(parameters)' },
  vectorToParameters: { group: 'nn', args: [['vec', T], ['parameters', 'Tensor[]']], ret: 'void', cpp: '{ vectorToParameters(vec, parameters); }' },
  // One dim of x[a:b:c] (Tensor.slice parses the whole Python-like index into these and select/unsqueeze).
  sliceDim: {
    group: 'indexing',
    args: [self, ['dim', 'int'], ['start', 'int?'], ['end', 'int?'], ['step', 'int', 1]],
    cpp: 'self.slice(dim, start, end, step)',
  },
} as const satisfies Record<string, OpSpec>;

export type OpTable = typeof OPS;
export type OpName = keyof OpTable;
