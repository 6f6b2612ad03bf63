// Summary.Value messages as torch.utils.tensorboard.summary builds them (scalar, image, histogram, text, hparams).
import type * as Pngjs from 'pngjs';
import { encodeMessage } from './proto';
import { hostValues, type Values } from './values';

/** A scalar as PyTorch writes it by default (simple_value, no plugin metadata). */
export function scalarValue(tag: string, value: number): object {
  return { tag, simpleValue: value };
}

export type DataFormats = 'CHW' | 'HWC' | 'HW' | 'WH' | 'NCHW' | 'NHWC';

/** HWC pixels (1, 3 or 4 channels) from an image in `dataformats`; N... formats become a grid (make_grid). */
export function toHWC(v: Values, dataformats: DataFormats, name = 'imgTensor'): { hwc: Float64Array; h: number; w: number; c: number; uint8: boolean } {
  const { data, shape, uint8 } = hostValues(v, name);
  const want = dataformats.length;
  if (shape.length !== want) throw new RangeError(`${name}: dataformats '${dataformats}' needs a ${want}-d tensor, got shape [${shape.join(', ')}]`);
  const dims = Object.fromEntries([...dataformats].map((k, i) => [k, shape[i]])) as Record<string, number>;
  const n = dims.N ?? 1;
  const c = dims.C ?? 1;
  const h = dims.H;
  const w = dims.W;
  if (![1, 3, 4].includes(c)) throw new RangeError(`${name}: an image has 1, 3 or 4 channels, got ${c}`);
  if (!(h > 0 && w > 0 && n > 0)) throw new RangeError(`${name}: empty image, shape [${shape.join(', ')}]`);
  const strides: Record<string, number> = {};
  let s = 1;
  for (let i = want - 1; i >= 0; i--) {
    strides[dataformats[i]] = s;
    s *= shape[i];
  }
  const at = (ni: number, ci: number, y: number, x: number): number => data[ni * (strides.N ?? 0) + ci * (strides.C ?? 0) + y * strides.H + x * strides.W];
  if (!dataformats.startsWith('N')) {
    const hwc = new Float64Array(h * w * c);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ci = 0; ci < c; ci++) hwc[(y * w + x) * c + ci] = at(0, ci, y, x);
    return { hwc, h, w, c, uint8 };
  }
  // PyTorch's make_grid: 8 columns at most, grayscale repeated to RGB, no padding.
  const cols = Math.min(n, 8);
  const rows = Math.ceil(n / cols);
  const oc = c === 1 ? 3 : c;
  const H = h * rows;
  const W = w * cols;
  const hwc = new Float64Array(H * W * oc);
  for (let i = 0; i < n; i++) {
    const oy = Math.floor(i / cols) * h;
    const ox = (i % cols) * w;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) for (let ci = 0; ci < oc; ci++) hwc[((oy + y) * W + ox + x) * oc + ci] = at(i, c === 1 ? 0 : ci, y, x);
  }
  return { hwc, h: H, w: W, c: oc, uint8 };
}

/** PNG bytes of HWC pixels: floats in [0, 1] times 255 (uint8 as is), clipped and truncated like PyTorch's image(). */
export function encodePng(img: { hwc: Float64Array; h: number; w: number; c: number; uint8: boolean }): Uint8Array {
  const { hwc, h, w, c, uint8 } = img;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PNG } = require('pngjs') as typeof Pngjs; // on first use: `import 'gumbel-torch'` must not need it
  const png = new PNG({ width: w, height: h });
  const scale = uint8 ? 1 : 255;
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 4; k++) {
      const src = c === 1 ? (k < 3 ? 0 : -1) : k < c ? k : -1;
      const v = src < 0 ? 255 : Math.trunc(Math.min(255, Math.max(0, Math.fround(Math.fround(hwc[p * c + src]) * scale))));
      png.data[p * 4 + k] = Number.isNaN(v) ? 0 : v;
    }
  }
  const colorType = c === 1 ? 0 : c === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType, inputColorType: 6, bitDepth: 8 });
}

export function imageValue(tag: string, img: ReturnType<typeof toHWC>): object {
  return { tag, image: { height: img.h, width: img.w, colorspace: img.c, encodedImageString: encodePng(img) } };
}

/** TensorBoard's default buckets (PyTorch's bins='tensorflow'): +-1e-12 * 1.1^k up to 1e20, and 0. */
export function tensorflowBins(): number[] {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
}

/** numpy.histogram's edges for an integer count: equal widths over [min, max] (+-0.5 when they are equal). */
function equalEdges(min: number, max: number, n: number): number[] {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = (hi - lo) / n;
  return Array.from({ length: n + 1 }, (_, i) => (i === n ? hi : lo + i * step));
}

export type Bins = 'tensorflow' | number | readonly number[];

/** PyTorch's make_histogram: numpy.histogram, then the empty buckets at both ends trimmed. */
export function histogramProto(v: Values, bins: Bins, maxBins?: number): object {
  const { data } = hostValues(v, 'values');
  if (data.length === 0) throw new RangeError('addHistogram: values is empty');
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (const x of data) {
    if (!Number.isFinite(x)) throw new RangeError(`addHistogram: values holds ${x}; a histogram needs finite values`);
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    sumSquares += x * x;
  }
  let edges: number[];
  if (bins === 'tensorflow') edges = tensorflowBins();
  else if (typeof bins === 'number') {
    if (!Number.isSafeInteger(bins) || bins < 1) throw new RangeError(`addHistogram: bins must be a positive integer, 'tensorflow', or increasing edges; got ${bins}`);
    edges = equalEdges(min, max, bins);
  } else if (Array.isArray(bins) && bins.length >= 2 && bins.every((b, i) => Number.isFinite(b) && (i === 0 || b > bins[i - 1]))) edges = [...bins];
  else throw new RangeError("addHistogram: bins must be 'tensorflow', a positive integer, or at least two increasing edges");
  let counts = new Array<number>(edges.length - 1).fill(0);
  const last = edges.length - 1;
  for (const x of data) {
    if (x < edges[0] || x > edges[last]) continue;
    // numpy: [e_i, e_i+1) except the last bucket, which includes its right edge.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x >= edges[mid]) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  if (maxBins !== undefined && counts.length > maxBins) {
    // PyTorch: merge neighbouring buckets so at most max_bins remain.
    const sub = Math.floor(counts.length / maxBins);
    const pad = (sub - (counts.length % sub)) % sub;
    const padded = [...counts, ...new Array<number>(pad).fill(0)];
    counts = Array.from({ length: padded.length / sub }, (_, i) => padded.slice(i * sub, (i + 1) * sub).reduce((a, b) => a + b, 0));
    const e = edges.slice(0, -1).filter((_, i) => i % sub === 0);
    edges = [...e, edges[edges.length - 1]];
  }
  // Trim the empty buckets at both ends, keeping one empty bucket on the left (PyTorch's make_histogram).
  let first = counts.findIndex((n) => n > 0);
  let end = counts.length - 1;
  while (end > 0 && counts[end] === 0) end--;
  if (first < 0) throw new RangeError('addHistogram: no value falls within the bins');
  const keptCounts = first > 0 ? counts.slice(first - 1, end + 1) : [0, ...counts.slice(0, end + 1)];
  first = Math.max(first, 0);
  const limits = edges.slice(first, end + 2);
  return { min, max, num: data.length, sum, sumSquares, bucketLimit: limits, bucket: keptCounts };
}

export function histogramValue(tag: string, histo: object): object {
  return { tag, histo };
}

/** Text as PyTorch's text(): a string tensor under '<tag>/text_summary' for the text plugin. */
export function textValue(tag: string, text: string): object {
  return {
    tag: `${tag}/text_summary`,
    metadata: { pluginData: { pluginName: 'text', content: new Uint8Array(0) } },
    tensor: { dtype: 'DT_STRING', stringVal: [Buffer.from(text, 'utf8')], tensorShape: { dim: [{ size: 1 }] } },
  };
}

export type HParamValue = number | string | boolean;

/** The three hparams plugin summaries (experiment, session start, session end) of PyTorch's hparams(). */
export function hparamsValues(hparams: Record<string, HParamValue>, metrics: Record<string, number>, domainDiscrete: Record<string, readonly HParamValue[]> = {}): object[] {
  const plugin = (content: object): object => ({ pluginData: { pluginName: 'hparams', content: encodeMessage('tensorboard.hparams.HParamsPluginData', { version: 0, ...content }) } });
  const sessionHparams: Record<string, object> = {};
  const infos: object[] = [];
  const asValue = (v: HParamValue): object => (typeof v === 'number' ? { numberValue: v } : typeof v === 'string' ? { stringValue: v } : { boolValue: v });
  for (const [k, v] of Object.entries(hparams)) {
    if (v === undefined || v === null) continue;
    if (!['number', 'string', 'boolean'].includes(typeof v)) throw new TypeError(`addHparams: hparamDict.${k} must be a number, string or boolean, got ${typeof v}`);
    sessionHparams[k] = asValue(v);
    const type = typeof v === 'number' ? 'DATA_TYPE_FLOAT64' : typeof v === 'string' ? 'DATA_TYPE_STRING' : 'DATA_TYPE_BOOL';
    const d = domainDiscrete[k];
    infos.push({ name: k, type, ...(d ? { domainDiscrete: { values: d.map(asValue) } } : {}) });
  }
  const metricInfos = Object.keys(metrics).map((tag) => ({ name: { tag } }));
  return [
    { tag: '_hparams_/experiment', metadata: plugin({ experiment: { hparamInfos: infos, metricInfos } }) },
    { tag: '_hparams_/session_start_info', metadata: plugin({ sessionStartInfo: { hparams: sessionHparams } }) },
    { tag: '_hparams_/session_end_info', metadata: plugin({ sessionEndInfo: { status: 'STATUS_SUCCESS' } }) },
  ];
}
