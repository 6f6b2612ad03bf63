// Cheap argument checks that throw TypeError/RangeError naming the argument, before any native call.
export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export function checkInt(v: unknown, name: string, min = -Infinity, max = Infinity): number {
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
