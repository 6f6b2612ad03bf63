// Checks an SGD state_dict (PyTorch's layout) against the parameters it is loaded into, before
// anything is changed.
import { describe } from '../check';
import { Tensor } from '../tensor';
import type { SGDHyper, SGDStateDict } from './sgd';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (msg: string): never => {
  throw new RangeError(`SGD.loadStateDict: ${msg}`);
};
const typeFail = (msg: string): never => {
  throw new TypeError(`SGD.loadStateDict: ${msg}`);
};

function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) typeFail(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v as number)) fail(`${name} must be finite, got ${String(v)}`);
  return v as number;
}

/** Per group, lr and momentum to adopt; per parameter position, the buffer to set (undefined: no state saved). */
export function parseSgdState(sd: SGDStateDict, params: Tensor[], hypers: SGDHyper[], sizes: number[]): { lrs: number[]; momentums: number[]; buffers: (Tensor | null | undefined)[] } {
  if (!isObject(sd)) typeFail(`expected a state_dict object, got ${describe(sd)}`);
  const raw = sd as unknown as Record<string, unknown>;
  const groups = raw.param_groups;
  if (!Array.isArray(groups) || groups.length !== hypers.length) typeFail(`param_groups must be an array of ${hypers.length} group(s), as this SGD has, got ${describe(groups)}`);
  const lrs: number[] = [];
  const momentums: number[] = [];
  // Parameter ids in group order map to our parameters in order, as PyTorch pairs them.
  const position = new Map<string, number>();
  (groups as unknown[]).forEach((g, gi) => {
    const at = `param_groups[${gi}]`;
    if (!isObject(g)) typeFail(`${at} must be an object`);
    const group = g as Record<string, unknown>;
    const hyper = hypers[gi];
    // PyTorch's SGD always writes these; without them this is another optimizer's state_dict.
    const missing = ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov'].filter((k) => !(k in group));
    if (missing.length) typeFail(`${at} has no ${missing.join(', ')}: not an SGD state_dict (keys: ${Object.keys(group).join(', ')})`);
    const lr = num(group.lr, `${at}.lr`);
    const momentum = num(group.momentum, `${at}.momentum`);
    if (lr < 0 || momentum < 0) fail(`${at} has lr ${lr}, momentum ${momentum}; both must be >= 0`);
    const diff = (['dampening', 'weight_decay', 'nesterov', 'maximize'] as const)
      .filter((k) => (group[k] ?? (k === 'dampening' || k === 'weight_decay' ? 0 : false)) !== hyper[k])
      .map((k) => `${k} ${String(group[k])} vs ${String(hyper[k])}`);
    if (diff.length) fail(`${at} differs from this optimizer in ${diff.join(', ')} (saved vs this); create the SGD with the saved settings`);
    if (!Array.isArray(group.params) || group.params.length !== sizes[gi]) fail(`${at}.params must list ${sizes[gi]} parameters, got ${describe(group.params)}`);
    for (const id of group.params as unknown[]) {
      if (typeof id !== 'number' && typeof id !== 'string') typeFail(`${at}.params holds ${describe(id)}`);
      if (position.has(String(id))) fail(`parameter id ${String(id)} appears twice`);
      position.set(String(id), position.size);
    }
    lrs.push(lr);
    momentums.push(momentum);
  });
  const state = raw.state instanceof Map ? Object.fromEntries(raw.state) : raw.state;
  if (!isObject(state)) typeFail(`state must be an object keyed by parameter id, got ${describe(raw.state)}`);
  const buffers: (Tensor | null | undefined)[] = new Array(params.length).fill(undefined);
  for (const [id, s] of Object.entries(state as Record<string, unknown>)) {
    const i = position.get(id);
    if (i === undefined) fail(`state for parameter id ${id}, which no param group lists`);
    if (!isObject(s)) typeFail(`state[${id}] must be an object`);
    const extra = Object.keys(s as object).filter((k) => k !== 'momentum_buffer');
    if (extra.length) typeFail(`state[${id}] has ${extra.join(', ')}, which SGD does not keep: not an SGD state_dict`);
    const b = (s as Record<string, unknown>).momentum_buffer ?? null;
    if (b === null) {
      buffers[i as number] = null;
      continue;
    }
    const p = params[i as number];
    if (!(b instanceof Tensor) || b.isDisposed) typeFail(`state[${id}].momentum_buffer must be a tensor or null, got ${describe(b)}`);
    const t = b as Tensor;
    if (t.shape.length !== p.shape.length || t.shape.some((x, k) => x !== p.shape[k])) fail(`state[${id}].momentum_buffer has shape [${t.shape}], its parameter [${p.shape}]`);
    if (!/^(float|bfloat)/.test(t.dtype)) typeFail(`state[${id}].momentum_buffer must be floating point, got ${t.dtype}`);
    buffers[i as number] = t;
  }
  return { lrs, momentums, buffers };
}
