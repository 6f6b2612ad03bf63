// Free-function forms of ops that take several tensors (torch.cat, torch.where, F.linear, ...).
import { checkDim, checkInt, checkNumber, checkOptions, describe } from './check';
import { checkTensor, op, Reduction, Tensor, TensorLike } from './tensor';

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
export function matmul(a: Tensor, b: Tensor): Tensor {
  return checkTensor(a, 'input').matmul(b);
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
export const relu = (x: Tensor): Tensor => checkTensor(x, 'input').relu();
export const sigmoid = (x: Tensor): Tensor => checkTensor(x, 'input').sigmoid();
export const tanh = (x: Tensor): Tensor => checkTensor(x, 'input').tanh();
export const softmax = (x: Tensor, dim: number): Tensor => checkTensor(x, 'input').softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => checkTensor(x, 'input').logSoftmax(dim);
