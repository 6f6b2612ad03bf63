// The free functions derived from the op table: torch.sin(x), torch.atan2(y, x), ... A name that the
// table lacks (or whose op has no 'function' form) fails to compile here, and so does a 'function'
// form missing from this list (the check below).
import type * as self from './functions';
import type { OpsWithForm } from './op-types';
import { derivedFunctions } from './tensor';

export const {
  sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, erf, erfc, erfinv, expm1, exp2, log2, log10, rsqrt, reciprocal,
  lgamma, digamma, square, sign, floor, ceil, round, trunc, frac, atan2, fmod, remainder, lerp, hypot, logaddexp, xlogy, maximum,
  minimum, nanToNum, isinf, logicalNot, logicalAnd, logicalOr, logicalXor,
  topk, sort, argsort, kthvalue, unique, searchsorted,
  prod, std, var: variance, norm, amax, amin, argmin, cumsum, cumprod, logcumsumexp, cummax, cummin, median, countNonzero, aminmax,
  maskedFill, maskedSelect, indexAdd, indexCopy, indexFill, scatterAdd, scatterReduce, takeAlongDim, nonzero, diag, diagonal, tril, triu,
  tile, flip, swapaxes, roll, chunk, split, unbind, movedim, broadcastTo, meshgrid,
  mm, bmm, trace, baddbmm, mv, dot, outer, einsum, tensordot, cdist,
  multinomial, poisson, normal, randintLike,
  linspace, logspace, fullLike, emptyLike, trilIndices,
  bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseNot, pad,
  conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d,
  adaptiveMaxPool2d, batchNorm, layerNorm, groupNorm, dropout, dropout2d, embedding,
  elu, selu, celu, leakyRelu, gelu, silu, mish, softplus, logsigmoid, hardtanh, hardsigmoid, hardswish, relu6,
  mseLoss, l1Loss, smoothL1Loss, huberLoss, crossEntropy, nllLoss, binaryCrossEntropyWithLogits, klDiv, gaussianNllLoss,
  linalgNorm, bitwiseLeftShift, bitwiseRightShift,
} = derivedFunctions;
// `var` is a reserved word: exported under its PyTorch name through an alias.
export { variance as var };

type Exported = keyof typeof self;
/** Compile-time check: every op with a 'function' form is exported above. */
export type MissingFunctionExports = Exclude<OpsWithForm<'function'>, Exported>;
const allExported: [MissingFunctionExports] extends [never] ? true : MissingFunctionExports = true;
void allExported;
