// torch.save's file for JS values: pickle protocol 2 in the zip layout PyTorch writes, using only
// the globals torch.load(weights_only=True) accepts, so Python loads it either way.
import { describe } from '../check';
import { type DType, opRaw, Tensor } from '../tensor';
import { STORAGE_DTYPES } from './torch-load';
import { writeZip } from './zip';

/**
 * What save() stores: tensors, numbers (integral ones as Python ints), bigints, strings, booleans,
 * null/undefined (None), arrays (lists), plain objects (dicts; keys that are array indices such as
 * '0' become int keys, as in an optimizer's state) and Maps (dicts keeping number keys as numbers).
 */
export type Saveable =
  | Tensor
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Saveable[]
  | { [k: string]: Saveable }
  | Map<string | number, Saveable>;

const STORAGE_OF = Object.fromEntries(Object.entries(STORAGE_DTYPES).map(([k, v]) => [v, k])) as Record<DType, string>;
const MAX_DEPTH = 1000;
const BATCH = 1000;
const INDEX_KEY = /^(0|[1-9]\d{0,15})$/;

class Pickler {
  #parts: Buffer[] = [];
  #cur = Buffer.alloc(1 << 16);
  #len = 0;
  readonly #memo = new Map<object, number>();
  /** Storages written so far, by the native storage's key: views of one storage share one record, as in PyTorch. */
  readonly #storages = new Map<string, { key: number; dtype: DType }>();
  readonly records: { name: string; data: Uint8Array }[] = [];

  #ensure(n: number): void {
    if (this.#len + n <= this.#cur.length) return;
    this.#parts.push(this.#cur.subarray(0, this.#len));
    this.#cur = Buffer.alloc(Math.max(1 << 16, n));
    this.#len = 0;
  }
  #byte(b: number): void {
    this.#ensure(1);
    this.#cur[this.#len++] = b;
  }
  #raw(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#cur.set(b, this.#len);
    this.#len += b.length;
  }
  bytes(): Buffer {
    return Buffer.concat([...this.#parts, this.#cur.subarray(0, this.#len)]);
  }

  start(): void {
    this.#raw(Buffer.from([0x80, 2])); // PROTO 2
  }
  stop(): void {
    this.#byte(0x2e);
  }

  #int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) return this.#raw(Buffer.from([0x4b, v])); // BININT1
    if (typeof v === 'number' && v >= 0 && v < 65536) {
      const b = Buffer.from([0x4d, 0, 0]);
      b.writeUInt16LE(v, 1);
      return this.#raw(b);
    }
    if (typeof v === 'number' && v >= -0x80000000 && v < 0x80000000) {
      const b = Buffer.from([0x4a, 0, 0, 0, 0]);
      b.writeInt32LE(v, 1);
      return this.#raw(b);
    }
    // LONG1: little-endian two's complement, as short as the sign allows.
    let x = BigInt(v);
    const out: number[] = [];
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = out[out.length - 1] & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.#raw(Buffer.from([0x8a, out.length, ...out]));
  }
  #float(v: number): void {
    const b = Buffer.alloc(9);
    b[0] = 0x47;
    b.writeDoubleBE(v, 1);
    this.#raw(b);
  }
  #str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = 0x58; // BINUNICODE
    h.writeUInt32LE(b.length, 1);
    this.#raw(h);
    this.#raw(b);
  }
  #global(module: string, name: string): void {
    this.#byte(0x63);
    this.#raw(Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  #memoize(o: object): void {
    const i = this.#memo.size;
    this.#memo.set(o, i);
    const b = Buffer.alloc(5);
    b[0] = 0x72; // LONG_BINPUT
    b.writeUInt32LE(i, 1);
    this.#raw(b);
  }
  #fromMemo(o: object): boolean {
    const i = this.#memo.get(o);
    if (i === undefined) return false;
    const b = Buffer.alloc(5);
    b[0] = 0x6a; // LONG_BINGET
    b.writeUInt32LE(i, 1);
    this.#raw(b);
    return true;
  }

  /** Writes v; `path` names it in errors (obj.model['fc1.weight'], obj.list[3]). */
  value(v: unknown, path: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError(`save(): ${path} is nested more than ${MAX_DEPTH} levels deep`);
    if (v === null || v === undefined) return this.#byte(0x4e);
    if (v === true) return this.#byte(0x88);
    if (v === false) return this.#byte(0x89);
    if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? this.#int(v) : this.#float(v);
    if (typeof v === 'bigint') return this.#int(v);
    if (typeof v === 'string') {
      if (!isWellFormed(v)) throw new TypeError(`save(): ${path} is a string with a lone UTF-16 surrogate, which UTF-8 cannot hold`);
      return this.#str(v);
    }
    if (v instanceof Tensor) {
      // Memoized like any object, so a tensor saved twice loads as one tensor, as in Python.
      if (this.#fromMemo(v)) return;
      this.#tensor(v, path);
      return this.#memoize(v);
    }
    if (typeof v !== 'object') throw new TypeError(`save(): ${path} is a ${typeof v}; only tensors, numbers, bigints, strings, booleans, null, arrays, plain objects and Maps are saved`);
    if (this.#fromMemo(v)) return;
    // What a Python list or dict cannot hold is an error, not dropped without a word.
    if (!(v instanceof Map) && Object.getOwnPropertySymbols(v).length) throw new TypeError(`save(): ${path} has symbol keys, which a Python dict or list cannot hold`);
    if (Array.isArray(v)) {
      const keys = Object.keys(v);
      const extra = keys.find((k) => !INDEX_KEY.test(k) || Number(k) >= v.length);
      if (extra !== undefined) throw new TypeError(`save(): ${path} is an array with a property '${extra}' besides its elements, which a Python list cannot hold (save an object instead)`);
      // Checked before any element: a hostile `a.length = 2 ** 32 - 1` would otherwise write billions of Nones.
      if (keys.length !== v.length) throw new TypeError(`save(): ${path} is a sparse array (${v.length - keys.length} of its ${v.length} elements are holes), which a Python list cannot hold; fill the holes (e.g. with null)`);
      return this.#list(v, path, depth);
    }
    if (v instanceof Map) return this.#dict(v, [...v.entries()], path, depth, true);
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return this.#dict(v, Object.entries(v), path, depth, false);
    const hint = ArrayBuffer.isView(v) ? ' (make it a tensor: torch.fromTypedArray)' : '';
    throw new TypeError(`save(): ${path} is ${describe(v)}${hint}; only tensors, numbers, bigints, strings, booleans, null, arrays, plain objects and Maps are saved`);
  }

  #list(v: unknown[], path: string, depth: number): void {
    this.#byte(0x5d); // EMPTY_LIST
    this.#memoize(v);
    for (let i = 0; i < v.length; i += BATCH) {
      this.#byte(0x28); // MARK
      for (let j = i; j < Math.min(v.length, i + BATCH); j++) this.value(v[j], `${path}[${j}]`, depth + 1);
      this.#byte(0x65); // APPENDS
    }
  }

  #dict(obj: object, entries: [unknown, unknown][], path: string, depth: number, fromMap: boolean): void {
    this.#byte(0x7d); // EMPTY_DICT
    this.#memoize(obj);
    for (let i = 0; i < entries.length; i += BATCH) {
      this.#byte(0x28);
      for (const [k, x] of entries.slice(i, i + BATCH)) {
        const name = typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(typeof k === 'bigint' ? String(k) : k)}]`;
        this.#key(k, name, fromMap);
        this.value(x, name, depth + 1);
      }
      this.#byte(0x75); // SETITEMS
    }
  }

  #key(k: unknown, path: string, fromMap: boolean): void {
    if (typeof k === 'string' && !isWellFormed(k)) throw new TypeError(`save(): the key of ${path} is a string with a lone UTF-16 surrogate, which UTF-8 cannot hold`);
    if (typeof k === 'string') return !fromMap && INDEX_KEY.test(k) && Number.isSafeInteger(Number(k)) ? this.#int(Number(k)) : this.#str(k);
    if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return this.value(k, path, 0);
    throw new TypeError(`save(): the key of ${path} is ${describe(k)}; keys must be strings, numbers, bigints or booleans`);
  }

  // _rebuild_tensor_v2(('storage', torch.XStorage, key, 'cpu', numel), 0, size, stride, requires_grad, OrderedDict())
  #tensor(t: Tensor, path: string): void {
    if (t.isDisposed) throw new TypeError(`save(): ${path} is a disposed tensor`);
    const dtype = t.dtype;
    const storage = STORAGE_OF[dtype];
    if (!storage) throw new TypeError(`save(): ${path} has dtype ${dtype}, which torch.save files cannot hold`);
    const [id, offset, storageNumel] = opRaw('storageOf', t) as [string, number, number];
    let entry = this.#storages.get(id);
    if (entry === undefined) {
      entry = { key: this.#storages.size, dtype };
      this.#storages.set(id, entry);
      this.records.push({ name: `data/${entry.key}`, data: opRaw('storageBytes', t) as Buffer });
    } else if (entry.dtype !== dtype) {
      throw new TypeError(`save(): ${path} views a storage that another tensor in obj views as ${entry.dtype}; torch.save cannot hold one storage as two dtypes (save a clone())`);
    }
    const key = entry.key;
    const shape = t.shape;
    const stride = t.stride();
    this.#global('torch._utils', '_rebuild_tensor_v2');
    this.#byte(0x28); // MARK (args)
    this.#byte(0x28); // MARK (persistent id)
    this.#str('storage');
    this.#global('torch', storage);
    this.#str(String(key));
    this.#str('cpu');
    this.#int(storageNumel);
    this.#byte(0x74); // TUPLE
    this.#byte(0x51); // BINPERSID
    this.#int(offset);
    this.#tuple(shape);
    this.#tuple(stride);
    this.#byte(t.requiresGrad ? 0x88 : 0x89);
    this.#global('collections', 'OrderedDict');
    this.#byte(0x29); // EMPTY_TUPLE
    this.#byte(0x52); // REDUCE
    this.#byte(0x74); // TUPLE
    this.#byte(0x52); // REDUCE
  }
  #tuple(xs: number[]): void {
    this.#byte(0x28);
    for (const x of xs) this.#int(x);
    this.#byte(0x74);
  }
}

function isWellFormed(s: string): boolean {
  const f = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return f ? f.call(s) : !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** The chunks of a torch.save file holding `obj` (records as PyTorch orders them). */
export function torchSaveChunks(obj: Saveable): Uint8Array[] {
  const p = new Pickler();
  p.start();
  p.value(obj, 'obj', 0);
  p.stop();
  return writeZip([
    { name: 'archive/data.pkl', data: p.bytes() },
    { name: 'archive/byteorder', data: Buffer.from('little') },
    ...p.records.map((r) => ({ name: `archive/${r.name}`, data: r.data })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}
