// Checks an Adam state_dict (PyTorch's layout, or this library's earlier one) against the
// parameters it is loaded into, before anything is changed.
import { describe } from '../check';
import { Tensor } from '../tensor';
import type { AdamStateDict } from './adam';

export interface AdamStateEntry {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}
type Hyper = { betas: [number, number]; eps: number; weight_decay: number; amsgrad: boolean };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (msg: string): never => {
  throw new RangeError(`Adam.loadStateDict: ${msg}`);
};
const typeFail = (msg: string): never => {
  throw new TypeError(`Adam.loadStateDict: ${msg}`);
};

function num(v: unknown, name: string, min: number, maxExclusive = Infinity): number {
  if (typeof v !== 'number' || Number.isNaN(v)) typeFail(`${name} must be a number, got ${describe(v)}`);
  const x = v as number;
  if (!Number.isFinite(x) || x < min || x >= maxExclusive) fail(`${name} must be in [${min}, ${maxExclusive}), got ${x}`);
  return x;
}

/** PyTorch stores step as a float scalar tensor; ours may be a number. Either must be an integer >= 0. */
function step(v: unknown, name: string): number {
  let x = v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) fail(`${name} must hold one value, got shape [${v.shape}]`);
    x = v.item();
  }
  if (typeof x !== 'number') typeFail(`${name} must be a number or a scalar tensor, got ${describe(v)}`);
  if (!Number.isSafeInteger(x) || (x as number) < 0) fail(`${name} must be an integer >= 0, got ${x}`);
  return x as number;
}

function stateTensor(v: unknown, name: string, param: Tensor): Tensor {
  if (!(v instanceof Tensor) || v.isDisposed) typeFail(`${name} must be a tensor, got ${describe(v)}`);
  const t = v as Tensor;
  if (t.shape.length !== param.shape.length || t.shape.some((s, i) => s !== param.shape[i])) fail(`${name} has shape [${t.shape}], its parameter [${param.shape}]`);
  if (!/^(float|bfloat)/.test(t.dtype)) typeFail(`${name} must be floating point, got ${t.dtype}`);
  return t;
}

/** The lr to adopt and, per parameter position, the state to set (undefined: none saved). */
export function parseAdamState(sd: AdamStateDict, params: Tensor[], hyper: Hyper): { lr: number; entries: (AdamStateEntry | undefined)[] } {
  if (!isObject(sd)) typeFail(`expected a state_dict object, got ${describe(sd)}`);
  const raw = sd as unknown as Record<string, unknown>;
  if (Array.isArray(raw.state) && 'lr' in raw) return legacy(raw, params, hyper);
  const groups = raw.param_groups;
  if (!Array.isArray(groups) || groups.length === 0) typeFail('param_groups must be a non-empty array');
  // Parameter ids in group order map to our parameters in order, as PyTorch pairs them.
  const position = new Map<string, number>();
  let lr = NaN;
  (groups as unknown[]).forEach((g, gi) => {
    const at = `param_groups[${gi}]`;
    if (!isObject(g)) typeFail(`${at} must be an object`);
    const group = g as Record<string, unknown>;
    const l = num(group.lr, `${at}.lr`, 0);
    if (gi > 0 && l !== lr) fail('param groups with different learning rates are not supported');
    lr = l;
    const betas = group.betas;
    if (!Array.isArray(betas) || betas.length !== 2) typeFail(`${at}.betas must be a pair`);
    const b = [num((betas as unknown[])[0], `${at}.betas[0]`, 0, 1), num((betas as unknown[])[1], `${at}.betas[1]`, 0, 1)];
    const eps = num(group.eps, `${at}.eps`, 0);
    const wd = num(group.weight_decay, `${at}.weight_decay`, 0);
    const amsgrad = group.amsgrad ?? false;
    if (typeof amsgrad !== 'boolean') typeFail(`${at}.amsgrad must be a boolean`);
    if (group.maximize === true) fail(`${at}.maximize is true, which this Adam does not do`);
    const diff = [
      b[0] !== hyper.betas[0] || b[1] !== hyper.betas[1] ? `betas (${b}) vs (${hyper.betas})` : '',
      eps !== hyper.eps ? `eps ${eps} vs ${hyper.eps}` : '',
      wd !== hyper.weight_decay ? `weight_decay ${wd} vs ${hyper.weight_decay}` : '',
      amsgrad !== hyper.amsgrad ? `amsgrad ${amsgrad} vs ${hyper.amsgrad}` : '',
    ].filter(Boolean);
    if (diff.length) fail(`${at} differs from this optimizer in ${diff.join(', ')} (saved vs this); create the Adam with the saved settings`);
    if (!Array.isArray(group.params)) typeFail(`${at}.params must be an array of parameter ids`);
    for (const id of group.params as unknown[]) {
      if (typeof id !== 'number' && typeof id !== 'string') typeFail(`${at}.params holds ${describe(id)}`);
      if (position.has(String(id))) fail(`parameter id ${String(id)} appears twice`);
      position.set(String(id), position.size);
    }
  });
  if (position.size !== params.length) fail(`the state_dict has ${position.size} parameters, this optimizer ${params.length}`);
  const state = raw.state instanceof Map ? Object.fromEntries(raw.state) : raw.state;
  if (!isObject(state)) typeFail(`state must be an object keyed by parameter id, got ${describe(raw.state)}`);
  const entries: (AdamStateEntry | undefined)[] = new Array(params.length);
  for (const [id, s] of Object.entries(state as Record<string, unknown>)) {
    const i = position.get(id);
    if (i === undefined) fail(`state for parameter id ${id}, which no param group lists`);
    entries[i as number] = entry(s, `state[${id}]`, params[i as number], hyper.amsgrad);
  }
  return { lr, entries };
}

function entry(s: unknown, at: string, param: Tensor, amsgrad: boolean): AdamStateEntry {
  if (!isObject(s)) typeFail(`${at} must be an object`);
  const o = s as Record<string, unknown>;
  const e: AdamStateEntry = {
    step: step(o.step, `${at}.step`),
    expAvg: stateTensor(o.exp_avg ?? o.expAvg, `${at}.exp_avg`, param),
    expAvgSq: stateTensor(o.exp_avg_sq ?? o.expAvgSq, `${at}.exp_avg_sq`, param),
  };
  const m = o.max_exp_avg_sq ?? o.maxExpAvgSq;
  if (amsgrad && m === undefined) fail(`${at} has no max_exp_avg_sq, which amsgrad needs`);
  if (amsgrad) e.maxExpAvgSq = stateTensor(m, `${at}.max_exp_avg_sq`, param);
  return e;
}

// Checkpoints of earlier versions: { lr, state: [{ step, expAvg, expAvgSq } | null, ...] }.
function legacy(raw: Record<string, unknown>, params: Tensor[], hyper: Hyper): { lr: number; entries: (AdamStateEntry | undefined)[] } {
  const state = raw.state as unknown[];
  if (state.length !== params.length) fail(`the state_dict has ${state.length} parameters, this optimizer ${params.length}`);
  return { lr: num(raw.lr, 'lr', 0), entries: state.map((s, i) => (s === null ? undefined : entry(s, `state[${i}]`, params[i], hyper.amsgrad))) };
}
