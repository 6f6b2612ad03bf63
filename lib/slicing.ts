// Python's indexing syntax for Tensor.slice: x.slice(':, 1:3'), x.slice('..., -1'), x.slice('::2, None').
// The index is parsed here into steps (slice a dim, select an index, insert a dim); Tensor.slice runs them.
export type IndexStep =
  | { kind: 'slice'; start?: number; end?: number; step: number }
  | { kind: 'index'; index: number }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' };

function int(s: string, index: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  if (!/^[+-]?\d+$/.test(t)) throw new TypeError(`slice('${index}'): '${t}' is not an integer`);
  return Number(t);
}

/** Parses a Python index expression (without the brackets) into steps, one per comma-separated part. */
export function parseIndex(index: string): IndexStep[] {
  if (typeof index !== 'string') throw new TypeError(`slice(index): index must be a string such as ':, 1:3', got ${typeof index}`);
  const parts = index.split(',').map((p) => p.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // a trailing comma, as x[1,]
  const steps = parts.map((p): IndexStep => {
    if (p === '...') return { kind: 'ellipsis' };
    if (p === 'None') return { kind: 'newaxis' };
    if (p === '') throw new TypeError(`slice('${index}'): empty index part`);
    if (!p.includes(':')) return { kind: 'index', index: int(p, index)! };
    const f = p.split(':');
    if (f.length > 3) throw new TypeError(`slice('${index}'): '${p}' has more than two colons`);
    const step = f.length === 3 ? (int(f[2], index) ?? 1) : 1;
    if (step <= 0) throw new RangeError(`slice('${index}'): step must be greater than zero (as in PyTorch), got ${step}`);
    return { kind: 'slice', start: int(f[0], index), end: int(f[1], index), step };
  });
  if (steps.filter((s) => s.kind === 'ellipsis').length > 1) throw new TypeError(`slice('${index}'): an index can only have a single ellipsis ('...')`);
  return steps;
}
