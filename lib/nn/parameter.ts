// nn.Parameter: marks a tensor as a module parameter, so that a Module finds it in its fields as
// PyTorch's __setattr__ does (a plain tensor field is not a parameter, as in PyTorch).
import { keep } from '../scope';
import { checkTensor, type Tensor } from '../tensor';

const parameters = new WeakSet<Tensor>();

/** @internal Marks t (a leaf) as a parameter that requires grad and outlives every scope. */
export function markParameter(t: Tensor): Tensor {
  keep(t);
  if (!t.requiresGrad) t.requiresGrad = true;
  parameters.add(t);
  return t;
}

export function isParameter(t: Tensor): boolean {
  return parameters.has(t);
}

/**
 * nn.Parameter(data): a leaf sharing data's storage that requires grad (unless requiresGrad is
 * false) and that a Module registers when it is assigned to one of its fields.
 */
export function Parameter(data: Tensor, requiresGrad = true): Tensor {
  const p = checkTensor(data, 'data').detach();
  markParameter(p);
  if (!requiresGrad) p.requiresGrad = false;
  return p;
}
