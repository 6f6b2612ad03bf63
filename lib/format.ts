// PyTorch-style printing: tensor([[0.4963, 0.7682], ...], dtype=torch.float64, device='cuda:0').
const EDGE = 3;
const THRESHOLD = 1000;

type Cell = number | bigint | boolean;

function floatFormatter(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const intMode = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  let fmt: (v: number) => string;
  if (finite.length === 0) {
    fmt = (v) => (Number.isFinite(v) ? (intMode ? `${v.toFixed(0)}.` : v.toFixed(4)) : String(v));
  } else {
    const max = Math.max(...finite);
    const min = Math.min(...finite);
    if (intMode) {
      fmt = max > 1e8 ? (v) => v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : (v) => `${v.toFixed(0)}.`;
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      fmt = (v) => v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    } else {
      fmt = (v) => v.toFixed(4);
    }
  }
  return (v) => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : fmt(v));
}

export function formatTensor(
  shape: readonly number[],
  data: ArrayLike<Cell>,
  dtype: string,
  suffixes: string[],
): string {
  const numel = shape.reduce((a, b) => a * b, 1);
  const summarize = numel > THRESHOLD;
  const isFloat = /float/.test(dtype);
  const isBool = dtype === 'bool';
  const shown: number[] = [];
  // Gather the values that will be printed (for width and mode), honouring summarisation.
  const indexOf = (idx: number[]): number => idx.reduce((acc, i, d) => acc * shape[d] + i, 0);
  const visit = (d: number, prefix: number[], f: (flat: number) => void): void => {
    if (d === shape.length) return f(indexOf(prefix));
    const n = shape[d];
    const idxs = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, k) => n - EDGE + k)] : [...Array(n).keys()];
    for (const i of idxs) visit(d + 1, [...prefix, i], f);
  };
  if (numel > 0) visit(0, [], (flat) => shown.push(flat)); // an empty tensor may still have a 2**31 dim
  const fmtFloat = isFloat ? floatFormatter(shown.map((i) => Number(data[i]))) : undefined;
  const fmt = (v: Cell): string => (isBool ? (v ? 'True' : 'False') : fmtFloat ? fmtFloat(Number(v)) : String(v));
  const width = Math.max(1, ...shown.map((i) => fmt(data[i]).length));
  const cell = (flat: number): string => fmt(data[flat]).padStart(width);

  const render = (d: number, prefix: number[], indent: number): string => {
    if (d === shape.length) return cell(indexOf(prefix));
    const n = shape[d];
    const parts: string[] = [];
    const cut = summarize && n > 2 * EDGE;
    for (let i = 0; i < n; i++) {
      if (cut && i === EDGE) {
        parts.push('...');
        i = n - EDGE - 1;
        continue;
      }
      parts.push(render(d + 1, [...prefix, i], indent + 1));
    }
    if (d === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - d - 1) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };

  let body: string;
  const extra = [...suffixes];
  if (numel === 0) {
    body = '[]';
    if (shape.length !== 1) extra.unshift(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  } else if (shape.length === 0) {
    body = fmt(data[0]);
  } else {
    body = render(0, [], 7);
  }
  return `tensor(${[body, ...extra].join(', ')})`;
}
