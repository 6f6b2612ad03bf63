// Cheap argument checks that throw TypeError/RangeError naming the argument, before any native call.
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function checkInt(v: unknown, name: string, min = -Infinity, max = Infinity): number {
  // Past 2^53 a JS number no longer holds every integer: refused, and said so (it is an integer).
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) throw new RangeError(`${name} must be within +-(2^53 - 1), where a JS number holds every integer exactly; got ${v}`);
  if (!isInt(v)) throw new TypeError(`${name} must be an integer, got ${describe(v)}`);
  if (v < min || v > max) throw new RangeError(`${name} must be in [${min}, ${max}], got ${v}`);
  return v;
}

export function checkNumber(v: unknown, name: string, opts: { finite?: boolean; positive?: boolean } = {}): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (opts.finite && !Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${v}`);
  if (opts.positive && !(v > 0)) throw new RangeError(`${name} must be > 0, got ${v}`);
  return v;
}

// The smallest normal number of each floating dtype: a temperature below it is 0 or subnormal once
// cast to the tensor's dtype, and logits / tau become infinities, then NaN.
const MIN_NORMAL: Readonly<Record<string, number>> = { float64: 2 ** -1022, float32: 2 ** -126, bfloat16: 2 ** -126, float16: 2 ** -14 };
// The largest finite number of each: above it tau is infinite in the tensor, and -inf logits / tau NaN.
const MAX_FINITE: Readonly<Record<string, number>> = { float64: Number.MAX_VALUE, float32: 3.4028234663852886e38, bfloat16: 3.3895313892515355e38, float16: 65504 };

/**
 * A temperature: a finite number > 0 (NaN, 0, negatives and infinities are RangeErrors) and, given the
 * dtype it will divide, between that dtype's smallest normal and largest finite numbers (outside, the
 * tensor holds 0, a subnormal or infinity, and PyTorch gives NaN).
 */
export function checkTau(tau: unknown, dtype?: string, name = 'tau'): number {
  if (typeof tau !== 'number') throw new TypeError(`${name} must be a number, got ${describe(tau)}`);
  // NaN is not a number to compute with (a TypeError, as checkNumber says); the rest are out of range.
  if (Number.isNaN(tau)) throw new TypeError(`${name} must be a finite number > 0, got NaN`);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`${name} must be a finite number > 0, got ${tau}`);
  const least = dtype === undefined ? undefined : MIN_NORMAL[dtype];
  if (least !== undefined && tau < least)
    throw new RangeError(`${name} ${tau} is below the smallest normal ${dtype} (${least}): it would be 0 or subnormal in the ${dtype} tensor and the result NaN`);
  const most = dtype === undefined ? undefined : MAX_FINITE[dtype];
  if (most !== undefined && tau > most) throw new RangeError(`${name} ${tau} is above the largest finite ${dtype} (${most}): it would be infinite in the ${dtype} tensor`);
  return tau;
}

export function checkBool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(v)}`);
  return v;
}

export function checkShape(v: unknown, name = 'shape'): number[] {
  if (!Array.isArray(v)) throw new TypeError(`${name} must be an array of non-negative integers, got ${describe(v)}`);
  return v.map((s, i) => checkInt(s, `${name}[${i}]`, 0));
}

/** Normalises a possibly negative dim against a rank, as PyTorch does. */
export function checkDim(dim: unknown, ndim: number, name = 'dim'): number {
  const r = Math.max(ndim, 1);
  checkInt(dim, name);
  const d = dim as number;
  if (d < -r || d >= r) throw new RangeError(`${name} out of range: expected in [${-r}, ${r - 1}], got ${d}`);
  return d < 0 ? d + r : d;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  if (typeof v === 'string') return `string '${v.length > 20 ? v.slice(0, 20) + '…' : v}'`;
  return `${typeof v} ${String(v)}`;
}

// Names PyTorch users reach for, mapped to ours (snake_case is camelised separately).
const ALIASES: Record<string, string> = { temperature: 'tau', temp: 'tau', keepDim: 'keepdim', learningRate: 'lr', retainVariables: 'retainGraph' };

function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** The allowed key a misspelt or PyTorch-named option most likely meant, if any. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const lower = (s: string): string => s.toLowerCase();
  // Own entries only: 'constructor' or 'toString' must not find Object.prototype's.
  const alias = (k: string): string | undefined => (Object.prototype.hasOwnProperty.call(ALIASES, k) ? ALIASES[k] : undefined);
  for (const k of [key, camel(key), alias(key), alias(camel(key))]) {
    const hit = k === undefined ? undefined : allowed.find((a) => lower(a) === lower(k));
    if (hit) return hit;
  }
  // A shared stem of 4+ letters ('reduce' -> 'reduction', 'device_id' -> 'device').
  const stem = (a: string): number => [...lower(a)].findIndex((c, i) => c !== lower(key)[i]) >>> 0;
  const byStem = allowed.filter((a) => Math.min(stem(a), a.length, key.length) >= 4).sort((a, b) => stem(b) - stem(a))[0];
  if (byStem) return byStem;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const a of allowed) {
    const dist = editDistance(lower(key), lower(a));
    if (dist < bestD) [best, bestD] = [a, dist];
  }
  return best;
}

/**
 * Checks an options argument: undefined (none given) or a plain object whose keys are all allowed.
 * A misspelt or PyTorch-named key throws a TypeError naming the key it most likely meant, so an
 * option is never silently ignored.
 */
export function checkOptions<T extends object>(o: T | undefined, name: string, allowed: readonly (keyof T & string)[]): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new TypeError(`${name} must be an options object, got ${describe(o)}`);
  for (const k of Object.keys(o)) {
    if ((allowed as readonly string[]).includes(k)) continue;
    const s = suggestKey(k, allowed);
    throw new TypeError(`${name}: unknown option '${k}'${s ? ` (did you mean '${s}'?)` : ''}; allowed: ${allowed.join(', ') || 'none'}`);
  }
  return o;
}
