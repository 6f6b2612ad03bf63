// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes
// of JSON {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {str: str}} (padded with
// spaces), then the data; offsets are relative to the data, which the tensors must cover exactly,
// without overlaps or holes. Reading checks all of it.
import { describe } from '../check';
import { type Device, type DType, op, opRaw, Tensor } from '../tensor';

export class SafetensorsError extends Error {}

const CODES: Record<DType, string> = {
  float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const DTYPES = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k])) as Record<string, DType>;
const ELEMENT_SIZE: Record<DType, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };
/** The reference implementation's limit on the header. */
const MAX_HEADER = 100_000_000;

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** The chunks of a safetensors file holding the tensors (contiguous CPU copies). */
export function safetensorsChunks(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array[] {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors) || tensors instanceof Map)
    throw new TypeError(`saveSafetensors: tensors must be an object of named tensors, got ${describe(tensors)}`);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError(`saveSafetensors: metadata must be an object of strings, got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new TypeError(`saveSafetensors: metadata.${k} must be a string, got ${describe(v)}`);
    header.__metadata__ = { ...metadata };
  }
  // As the reference writer: larger elements first (keeps every tensor aligned), then by name.
  const names = Object.keys(tensors);
  for (const n of names) {
    const t = tensors[n];
    if (!(t instanceof Tensor) || t.isDisposed) throw new TypeError(`saveSafetensors: tensors['${n}'] must be a live tensor, got ${describe(t)}`);
    if (n === '__metadata__') throw new TypeError("saveSafetensors: '__metadata__' is reserved for metadata");
  }
  names.sort((a, b) => ELEMENT_SIZE[tensors[b].dtype] - ELEMENT_SIZE[tensors[a].dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const data: Buffer[] = [];
  let offset = 0;
  for (const n of names) {
    const t = tensors[n];
    const bytes = opRaw('bytesOf', t) as Buffer;
    header[n] = { dtype: CODES[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    data.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // data starts 8-byte aligned
  const h = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return [len, h, ...data];
}

export function contiguousStrides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return s;
}

function fail(msg: string): never {
  throw new SafetensorsError(msg);
}

interface Info {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function parseHeader(bytes: Buffer): { infos: Info[]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) fail('file is shorter than its 8-byte header length');
  const n = bytes.readBigUInt64LE(0);
  if (n > BigInt(MAX_HEADER)) fail(`header length ${n} exceeds the ${MAX_HEADER}-byte limit`);
  if (8 + Number(n) > bytes.length) fail(`header length ${n} exceeds the file (truncated?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n)));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail("header does not start with '{'");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('header is not a JSON object');
  // JSON.parse keeps the last of duplicate keys; the format forbids duplicates.
  const dupe = duplicateKey(text);
  if (dupe !== undefined) fail(`header names '${dupe}' twice`);
  const metadata: Record<string, string> = {};
  const infos: Info[] = [];
  for (const [name, v] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('__metadata__ must be an object of strings');
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') fail(`__metadata__.${k} is not a string`);
        Object.defineProperty(metadata, k, { value: s, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) fail(`'${name}' is not an object`);
    const { dtype, shape, data_offsets: offs, ...rest } = v as Record<string, unknown>;
    if (Object.keys(rest).length) fail(`'${name}' has unknown fields ${Object.keys(rest).join(', ')}`);
    if (typeof dtype !== 'string') fail(`'${name}' has no dtype`);
    if (!Object.hasOwn(DTYPES, dtype)) fail(`'${name}' has dtype ${dtype}, which gumbel-torch does not support`);
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) fail(`'${name}' has an invalid shape`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((s) => Number.isSafeInteger(s) && s >= 0) || offs[0] > offs[1]) fail(`'${name}' has invalid data_offsets`);
    const dt = DTYPES[dtype];
    const numel = (shape as number[]).reduce((a, b) => a * BigInt(b), 1n);
    if (numel * BigInt(ELEMENT_SIZE[dt]) !== BigInt(offs[1] - offs[0])) fail(`'${name}': shape [${shape}] of ${dtype} needs ${numel * BigInt(ELEMENT_SIZE[dt])} bytes, data_offsets give ${offs[1] - offs[0]}`);
    infos.push({ name, dtype: dt, shape: shape as number[], begin: offs[0] as number, end: offs[1] as number });
  }
  const dataStart = 8 + Number(n);
  // The data must be covered exactly: sorted by offset, each tensor starts where the last ended.
  const sorted = [...infos].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const i of sorted) {
    if (i.begin !== at) fail(i.begin < at ? `'${i.name}' overlaps another tensor` : `a hole of ${i.begin - at} bytes precedes '${i.name}'`);
    at = i.end;
  }
  if (dataStart + at !== bytes.length) fail(dataStart + at > bytes.length ? 'tensor data exceed the file (truncated?)' : `${bytes.length - dataStart - at} bytes after the last tensor`);
  return { infos, metadata, dataStart };
}

// Top-level keys of the header object that occur twice (a small scanner; JSON.parse hides them).
function duplicateKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (k < text.length && /\s/.test(text[k])) k++;
        if (text[k] === ':') {
          const key = JSON.parse(text.slice(i, j + 1)) as string;
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

/** Reads safetensors bytes into CPU tensors (every check done before any tensor is made). */
// Takes a Uint8Array so that index.d.ts, which imports this module, needs no @types/node.
export function safetensorsLoad(input: Uint8Array, device: Device = 'cpu'): SafetensorsFile {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const { infos, metadata, dataStart } = parseHeader(bytes);
  const tensors: Record<string, Tensor> = {};
  try {
    for (const i of infos) {
      const numel = i.shape.reduce((a, b) => a * b, 1);
      const cpu = op('storageFromBytes', bytes, dataStart + i.begin, i.dtype, numel);
      const flat = device === 'cpu' ? cpu : cpu.to(device);
      const t = op('viewOfStorage', flat, i.shape, contiguousStrides(i.shape), 0);
      if (flat !== cpu) flat.dispose();
      cpu.dispose();
      Object.defineProperty(tensors, i.name, { value: t, enumerable: true, writable: true, configurable: true });
    }
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
  return { tensors, metadata };
}
