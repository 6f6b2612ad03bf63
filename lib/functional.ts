// Free-function forms of ops: those that take several tensors (torch.cat, torch.where, F.linear, ...),
// and torch.exp(x), torch.sum(x, dim), ... for every Tensor method a PyTorch user calls that way.
import { checkDim, checkInt, checkNumber, checkOptions, describe } from './check';
import { type ArithOf, checkTensor, type DivOptions, type DType, type FloatOf, type MaxMin, noMoreArgs, op, type Reduction, type SameArithOf, type Shape, type SumOf, type Tensor, type TensorLike } from './tensor';

/** nn.functional's table ops: pad (constant, reflect, replicate, circular), convolution, pooling, normalisation, dropout, embedding, activations, losses. */
export {
  pad, conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d,
  adaptiveMaxPool2d, batchNorm, layerNorm, groupNorm, dropout, dropout2d, embedding,
  elu, selu, celu, leakyRelu, gelu, silu, mish, softplus, logsigmoid, hardtanh, hardsigmoid, hardswish, relu6,
  mseLoss, l1Loss, smoothL1Loss, huberLoss, crossEntropy, nllLoss, binaryCrossEntropyWithLogits, klDiv, gaussianNllLoss,
} from './functions';

/** The input tensor, checked, with its dtype kept for the result type. */
const input = <D extends DType>(x: Tensor<D>): Tensor<D> => checkTensor(x, 'input') as Tensor<D>;

function tensorList(ts: unknown, name: string): Tensor[] {
  if (!Array.isArray(ts) || ts.length === 0) throw new TypeError(`${name} must be a non-empty array of tensors, got ${describe(ts)}`);
  return ts.map((t, i) => checkTensor(t, `${name}[${i}]`));
}

export function cat(tensors: Tensor[], dim = 0): Tensor {
  const ts = tensorList(tensors, 'tensors');
  return op('cat', ts, checkDim(dim, ts[0].ndim));
}
export function stack(tensors: Tensor[], dim = 0): Tensor {
  const ts = tensorList(tensors, 'tensors');
  return op('stack', ts, checkDim(dim, ts[0].ndim + 1));
}
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  checkTensor(condition, 'condition');
  for (const [v, n] of [[input, 'input'], [other, 'other']] as const)
    if (typeof v !== 'number' && typeof v !== 'boolean') checkTensor(v, n);
  return op('where', condition, input, other);
}
export function matmul<D extends DType>(a: Tensor<D>, b: Tensor): Tensor<D> {
  return input(a).matmul(b);
}
/** beta * input + alpha * (mat1 @ mat2) */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: { beta?: number; alpha?: number } = {}): Tensor {
  checkOptions(opts, 'addmm options', ['beta', 'alpha']);
  return op('addmm', checkTensor(input, 'input'), checkTensor(mat1, 'mat1'), checkTensor(mat2, 'mat2'), checkNumber(opts.beta ?? 1, 'beta'), checkNumber(opts.alpha ?? 1, 'alpha'));
}
/** x @ weight^T + bias, as F.linear. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return op('linear', checkTensor(input, 'input'), checkTensor(weight, 'weight'), bias === undefined ? undefined : checkTensor(bias, 'bias'));
}
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  checkTensor(indices, 'indices');
  checkInt(numClasses, 'numClasses', -1);
  return op('oneHot', indices, numClasses);
}
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  checkOptions(opts, 'binaryCrossEntropy options', ['weight', 'reduction']);
  const reduction = opts.reduction ?? 'mean';
  if (!['none', 'mean', 'sum'].includes(reduction)) throw new TypeError(`reduction must be 'none', 'mean' or 'sum', got ${describe(reduction)}`);
  return op('binaryCrossEntropy', checkTensor(input, 'input'), checkTensor(target, 'target'),
    opts.weight === undefined ? undefined : checkTensor(opts.weight, 'weight'), reduction);
}

// ---- elementwise
export const relu = <D extends DType>(x: Tensor<D>): Tensor<D> => input(x).relu();
export const abs = <D extends DType>(x: Tensor<D>): Tensor<D> => input(x).abs();
export const neg = <D extends DType>(x: Tensor<D>): Tensor<D> => input(x).neg();
export const clamp = <D extends DType>(x: Tensor<D>, min?: number | Tensor | null, max?: number | Tensor | null): Tensor<D> => input(x).clamp(min, max);
export const sigmoid = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).sigmoid();
export const tanh = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).tanh();
export const exp = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).exp();
export const log = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).log();
export const log1p = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).log1p();
export const sqrt = <D extends DType>(x: Tensor<D>): Tensor<FloatOf<D>> => input(x).sqrt();
export const softmax = <D extends DType>(x: Tensor<D>, dim: number): Tensor<FloatOf<D>> => input(x).softmax(dim);
export const logSoftmax = <D extends DType>(x: Tensor<D>, dim: number): Tensor<FloatOf<D>> => input(x).logSoftmax(dim);
export const isnan = (x: Tensor): Tensor<'bool'> => input(x).isnan();
export const isfinite = (x: Tensor): Tensor<'bool'> => input(x).isfinite();

// ---- arithmetic and comparisons (input is a tensor, other a tensor or a number)
export function add<D extends DType>(x: Tensor<D>, other: number | Tensor<D>, alpha?: number): Tensor<SameArithOf<D>>;
export function add<D extends DType>(x: Tensor<D>, other: TensorLike, alpha?: number): Tensor<ArithOf<D>>;
export function add(x: Tensor, other: TensorLike, alpha = 1, ...extra: unknown[]): Tensor {
  noMoreArgs('add', extra, 3);
  return input(x).add(other, alpha);
}
export function sub<D extends DType>(x: Tensor<D>, other: number | Tensor<D>, alpha?: number): Tensor<SameArithOf<D>>;
export function sub<D extends DType>(x: Tensor<D>, other: TensorLike, alpha?: number): Tensor<ArithOf<D>>;
export function sub(x: Tensor, other: TensorLike, alpha = 1, ...extra: unknown[]): Tensor {
  noMoreArgs('sub', extra, 3);
  return input(x).sub(other, alpha);
}
export function mul<D extends DType>(x: Tensor<D>, other: number | Tensor<D>): Tensor<SameArithOf<D>>;
export function mul<D extends DType>(x: Tensor<D>, other: TensorLike): Tensor<ArithOf<D>>;
export function mul(x: Tensor, other: TensorLike, ...extra: unknown[]): Tensor {
  noMoreArgs('mul', extra, 2);
  return input(x).mul(other);
}
export function div<D extends DType>(x: Tensor<D>, other: number | Tensor<D>, opts: { roundingMode: 'trunc' | 'floor' }): Tensor<SameArithOf<D>>;
export function div<D extends DType>(x: Tensor<D>, other: number | Tensor<D>, opts?: DivOptions): Tensor<FloatOf<D>>;
export function div<D extends DType>(x: Tensor<D>, other: TensorLike, opts?: DivOptions): Tensor<ArithOf<D>>;
export function div(x: Tensor, other: TensorLike, opts?: DivOptions, ...extra: unknown[]): Tensor {
  noMoreArgs('div', extra, 3);
  return input(x).div(other, opts);
}
export function pow<D extends DType>(x: Tensor<D>, exponent: number | Tensor<D>): Tensor<SameArithOf<D>>;
export function pow<D extends DType>(x: Tensor<D>, exponent: TensorLike): Tensor<ArithOf<D>>;
export function pow(x: Tensor, exponent: TensorLike, ...extra: unknown[]): Tensor {
  noMoreArgs('pow', extra, 2);
  return input(x).pow(exponent);
}
export const eq = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).eq(other);
export const ne = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).ne(other);
export const lt = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).lt(other);
export const le = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).le(other);
export const gt = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).gt(other);
export const ge = (x: Tensor, other: TensorLike): Tensor<'bool'> => input(x).ge(other);

// ---- reductions
export function sum<D extends DType>(x: Tensor<D>, dim?: number | number[], keepdim?: boolean): Tensor<SumOf<D>>;
export function sum<T extends DType>(x: Tensor, dim: number | number[] | undefined, keepdim: boolean, opts: { dtype: T }): Tensor<T>;
export function sum(x: Tensor, dim?: number | number[], keepdim = false, opts?: { dtype: DType }): Tensor {
  return opts === undefined ? input(x).sum(dim, keepdim) : input(x).sum(dim, keepdim, opts);
}
export const mean = <D extends DType>(x: Tensor<D>, dim?: number | number[], keepdim = false): Tensor<FloatOf<D>> => input(x).mean(dim, keepdim);
export const logsumexp = <D extends DType>(x: Tensor<D>, dim: number | number[], keepdim = false): Tensor<FloatOf<D>> => input(x).logsumexp(dim, keepdim);
export function max<D extends DType>(x: Tensor<D>): Tensor<D>;
export function max<D extends DType>(x: Tensor<D>, dim: number, keepdim?: boolean): MaxMin<D>;
export function max<D extends DType>(x: Tensor<D>, dim?: number, keepdim = false): Tensor<D> | MaxMin<D> {
  return dim === undefined ? input(x).max() : input(x).max(dim, keepdim);
}
export function min<D extends DType>(x: Tensor<D>): Tensor<D>;
export function min<D extends DType>(x: Tensor<D>, dim: number, keepdim?: boolean): MaxMin<D>;
export function min<D extends DType>(x: Tensor<D>, dim?: number, keepdim = false): Tensor<D> | MaxMin<D> {
  return dim === undefined ? input(x).min() : input(x).min(dim, keepdim);
}
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor<'int64'> => input(x).argmax(dim, keepdim);
export const any = (x: Tensor): Tensor<'bool'> => input(x).any();
export const all = (x: Tensor): Tensor<'bool'> => input(x).all();
export const numel = (x: Tensor): number => input(x).numel();

// ---- shape
export const reshape = <D extends DType>(x: Tensor<D>, shape: Shape): Tensor<D> => input(x).reshape(shape);
export const flatten = <D extends DType>(x: Tensor<D>, startDim = 0, endDim = -1): Tensor<D> => input(x).flatten(startDim, endDim);
export const permute = <D extends DType>(x: Tensor<D>, dims: Shape): Tensor<D> => input(x).permute(dims);
export const transpose = <D extends DType>(x: Tensor<D>, dim0: number, dim1: number): Tensor<D> => input(x).transpose(dim0, dim1);
export const t = <D extends DType>(x: Tensor<D>): Tensor<D> => input(x).t();
export const squeeze = <D extends DType>(x: Tensor<D>, dim?: number): Tensor<D> => input(x).squeeze(dim);
export const unsqueeze = <D extends DType>(x: Tensor<D>, dim: number): Tensor<D> => input(x).unsqueeze(dim);
export const narrow = <D extends DType>(x: Tensor<D>, dim: number, start: number, length: number): Tensor<D> => input(x).narrow(dim, start, length);
export const select = <D extends DType>(x: Tensor<D>, dim: number, index: number): Tensor<D> => input(x).select(dim, index);
export const indexSelect = <D extends DType>(x: Tensor<D>, dim: number, index: Tensor): Tensor<D> => input(x).indexSelect(dim, index);
export const gather = <D extends DType>(x: Tensor<D>, dim: number, index: Tensor): Tensor<D> => input(x).gather(dim, index);
export const clone = <D extends DType>(x: Tensor<D>): Tensor<D> => input(x).clone();
