// torch.load(weights_only=True) for Node: the zip archive, the allowlist of globals PyTorch's safe
// unpickler accepts, and tensors rebuilt from their storages with every size, stride and offset
// checked against the storage before a view is made.
import { type Device, type DType, op, Tensor } from '../tensor';
import { Global, isDict, isOrderedDict, isTuple, newDict, newOrderedDict, PickleError, pyType, setItem, unpickle, type UnpicklerHooks } from './unpickler';
import { ZipError, ZipReader } from './zip';

/** What torch.load gives back: tensors, numbers, strings, booleans, null, arrays (lists and tuples) and objects (dicts). */
export type Loaded = Tensor | number | bigint | string | boolean | null | Loaded[] | { [k: string]: Loaded };

export class LoadError extends Error {}

/** torch.<X>Storage -> dtype; PyTorch writes these legacy names for every storage. */
export const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};
const ELEMENT_SIZE: Record<DType, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };
const UNSUPPORTED_STORAGES = /^(ComplexFloat|ComplexDouble|QInt8|QUInt8|QInt32|QUInt4x2|QUInt2x4|UInt16|UInt32|UInt64|Float8_\w+|Untyped)Storage$/;
const TORCH_DTYPES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', float16: 'float16', half: 'float16',
  bfloat16: 'bfloat16', int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16',
  int8: 'int8', uint8: 'uint8', bool: 'bool',
};

// The callables of the allowlist.
const CALLABLES = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._tensor._rebuild_from_type_v2',
  'torch.nn.parameter.Parameter',
  'torch.Size',
  'torch.device',
]);
// Globals that are values, not calls.
const MARKERS = new Set(['torch.Tensor']);

class StorageType extends Global {
  constructor(name: string, readonly dtype: DType) {
    super('torch', name);
  }
}

function int(v: unknown, what: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new LoadError(`${what} must be an integer >= ${min}, got ${describeValue(v)}`);
  return v;
}
function ints(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw new LoadError(`${what} must be a tuple of integers, got ${pyType(v)}`);
  return v.map((x, i) => int(x, `${what}[${i}]`));
}
function describeValue(v: unknown): string {
  return typeof v === 'number' || typeof v === 'bigint' ? `${pyType(v)} ${v}` : pyType(v);
}

/** Where a file keeps the bytes of its storages (zip records, or after the pickles in the legacy format). */
type StorageBytes = (key: string) => Buffer;

/** The unpickler's torch side: the allowlist, storages and tensor rebuilds; frees what it made on failure. */
class TorchUnpickler implements UnpicklerHooks {
  readonly #bytes: StorageBytes;
  readonly #device: Device;
  readonly #storages = new Map<string, { dtype: DType; tensor: Tensor }>();
  readonly #storageSet = new WeakSet<Tensor>();
  readonly #made: Tensor[] = [];

  constructor(bytes: StorageBytes, device: Device) {
    this.#bytes = bytes;
    this.#device = device;
  }

  /** Frees the storages (views keep what they use) and every tensor made but not returned. */
  finish(returned: Set<Tensor>): void {
    for (const s of this.#storages.values()) s.tensor.dispose();
    for (const t of this.#made) if (!returned.has(t)) t.dispose();
  }

  findGlobal(module: string, name: string): unknown {
    const q = `${module}.${name}`;
    if (module === 'torch') {
      if (name in STORAGE_DTYPES) return new StorageType(name, STORAGE_DTYPES[name]);
      if (UNSUPPORTED_STORAGES.test(name)) throw new LoadError(`${q}: this tensor type is not supported by gumbel-torch`);
      if (Object.hasOwn(TORCH_DTYPES, name)) return TORCH_DTYPES[name];
    }
    if (CALLABLES.has(q) || MARKERS.has(q)) return new Global(module, name);
    throw new LoadError(`refusing to load global ${JSON.stringify(q)}: only tensors and plain data are loaded (as torch.load(weights_only=True)); nothing in the file is executed`);
  }

  call(fn: Global, args: unknown[]): unknown {
    switch (fn.qualified) {
      case 'collections.OrderedDict': {
        const d = newOrderedDict();
        if (args.length > 1) throw new LoadError('OrderedDict takes at most one argument');
        if (args.length === 1) {
          if (!Array.isArray(args[0])) throw new LoadError('OrderedDict argument must be a list of pairs');
          for (const pair of args[0] as unknown[]) {
            if (!Array.isArray(pair) || pair.length !== 2) throw new LoadError('OrderedDict argument must be a list of pairs');
            setItem(d, pair[0], pair[1]);
          }
        }
        return d;
      }
      case 'torch._utils._rebuild_tensor':
        return this.#rebuild(args, 4, false);
      case 'torch._utils._rebuild_tensor_v2':
        if (args.length < 6 || args.length > 7) throw new LoadError(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
        this.#noHooks(args[5]);
        return this.#rebuild(args, args.length, args[4]);
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
        if (args.length !== (fn.name === '_rebuild_parameter' ? 3 : 4)) throw new LoadError(`${fn.name} takes ${fn.name === '_rebuild_parameter' ? 3 : 4} arguments`);
        this.#noHooks(args[2]);
        return this.#parameter(args[0], args[1]);
      case 'torch.nn.parameter.Parameter':
        if (args.length < 1 || args.length > 2) throw new LoadError('Parameter takes 1 or 2 arguments');
        return this.#parameter(args[0], args.length === 2 ? args[1] : true);
      case 'torch._tensor._rebuild_from_type_v2': {
        const [func, type, inner] = args;
        if (args.length !== 4 || !(func instanceof Global) || !(type instanceof Global) || !isTuple(inner))
          throw new LoadError('_rebuild_from_type_v2 takes (func, type, args, state)');
        if (type.qualified !== 'torch.Tensor' && type.qualified !== 'torch.nn.parameter.Parameter') throw new LoadError(`tensor subclass ${type.qualified} is not supported`);
        const t = this.call(func, inner);
        this.build(t, args[3]);
        return t;
      }
      case 'torch.Size':
        if (args.length !== 1) throw new LoadError('torch.Size takes one argument');
        return ints(args[0], 'torch.Size');
      case 'torch.device':
        if (typeof args[0] !== 'string' || args.length > 2) throw new LoadError('torch.device takes a string and an optional index');
        return args.length === 2 ? `${args[0]}:${int(args[1], 'device index')}` : args[0];
      default:
        throw new LoadError(`${fn.qualified} cannot be called`);
    }
  }

  build(obj: unknown, state: unknown): void {
    // An OrderedDict's state is its instance __dict__ (a state_dict's _metadata): not data, dropped.
    // A plain dict takes no state (PyTorch's weights_only loader refuses it too).
    if (isOrderedDict(obj) && (state === null || isDict(state))) return;
    if (obj instanceof Tensor && (state === null || (isDict(state) && Object.keys(state).length === 0))) return;
    throw new LoadError(`BUILD with a ${pyType(state)} on a ${pyType(obj)} is not allowed`);
  }

  // ('storage', torch.XStorage, key, location, numel), and in the legacy format a sixth entry:
  // None, or (view_key, offset, size) for a storage that is a slice of another.
  persistentLoad(pid: unknown): unknown {
    if (!isTuple(pid) || pid.length < 5 || pid.length > 6 || pid[0] !== 'storage') throw new LoadError(`unexpected persistent id (${pyType(pid)})`);
    const [, type, key, location, n, view] = pid;
    if (!(type instanceof StorageType)) throw new LoadError(`storage type must be a torch storage class, got ${pyType(type)}`);
    if (typeof key !== 'string' || typeof location !== 'string') throw new LoadError('storage key and location must be strings');
    const root = this.#storage(key, type.dtype, int(n, 'storage size'));
    if (view === undefined || view === null) return root;
    if (!isTuple(view) || view.length !== 3 || typeof view[0] !== 'string') throw new LoadError('storage view must be (key, offset, size)');
    const [offset, size] = [int(view[1], 'storage view offset'), int(view[2], 'storage view size')];
    const vkey = `${key}\u0000${view[0]}`;
    const cached = this.#storages.get(vkey);
    if (cached) return cached.tensor;
    checkView(root.numel(), offset, [size], [1]);
    const slice = op('viewOfStorage', root, [size], [1], offset);
    this.#storages.set(vkey, { dtype: type.dtype, tensor: slice });
    this.#storageSet.add(slice);
    return slice;
  }

  #storage(key: string, dtype: DType, numel: number): Tensor {
    const cached = this.#storages.get(key);
    if (cached) {
      if (cached.dtype !== dtype || cached.tensor.numel() !== numel) throw new LoadError(`storage '${key}' is used with two types or sizes`);
      return cached.tensor;
    }
    const bytes = this.#bytes(key);
    if (numel * ELEMENT_SIZE[dtype] > bytes.length) throw new LoadError(`storage '${key}' holds ${bytes.length} bytes, fewer than ${numel} ${dtype} elements`);
    // Read on the CPU, then the whole storage moves (map_location), so views made from it still share it.
    const cpu = op('storageFromBytes', bytes, 0, dtype, numel);
    const tensor = this.#device === 'cpu' ? cpu : cpu.to(this.#device);
    if (tensor !== cpu) cpu.dispose();
    this.#storages.set(key, { dtype, tensor });
    this.#storageSet.add(tensor);
    return tensor;
  }

  #noHooks(hooks: unknown): void {
    if (!(isDict(hooks) && Object.keys(hooks).length === 0)) throw new LoadError('tensors with backward hooks are not supported');
  }

  #rebuild(args: unknown[], arity: number, requiresGrad: unknown): Tensor {
    if (args.length !== arity) throw new LoadError(`tensor rebuild takes ${arity} arguments, got ${args.length}`);
    const [storage, off, sizeArg, strideArg] = args;
    if (!(storage instanceof Tensor) || !this.#storageSet.has(storage)) throw new LoadError(`tensor storage must be a persistent storage, got ${pyType(storage)}`);
    const offset = int(off, 'storage offset');
    const size = ints(sizeArg, 'size');
    const stride = ints(strideArg, 'stride');
    if (size.length !== stride.length) throw new LoadError(`size has ${size.length} dims but stride has ${stride.length}`);
    if (typeof requiresGrad !== 'boolean') throw new LoadError('requires_grad must be a bool');
    checkView(storage.numel(), offset, size, stride);
    const t = op('viewOfStorage', storage, size, stride, offset);
    this.#made.push(t);
    if (requiresGrad) this.#requireGrad(t);
    return t;
  }

  #parameter(data: unknown, requiresGrad: unknown): Tensor {
    if (!(data instanceof Tensor)) throw new LoadError(`Parameter data must be a tensor, got ${pyType(data)}`);
    if (typeof requiresGrad !== 'boolean') throw new LoadError('Parameter requires_grad must be a bool');
    if (requiresGrad && !data.requiresGrad) this.#requireGrad(data);
    return data;
  }

  #requireGrad(t: Tensor): void {
    if (!/^(float|bfloat)/.test(t.dtype)) throw new LoadError(`a ${t.dtype} tensor cannot require grad`);
    t.requiresGrad = true;
  }
}

/** Every element a view can reach must lie inside its storage (sizes of 0 reach nothing). */
export function checkView(numel: number, offset: number, size: number[], stride: number[]): void {
  if (size.some((s) => s === 0)) {
    if (offset > numel) throw new LoadError(`storage offset ${offset} lies beyond a storage of ${numel} elements`);
    return;
  }
  let last = BigInt(offset);
  for (let i = 0; i < size.length; i++) last += BigInt(size[i] - 1) * BigInt(stride[i]);
  if (last >= BigInt(numel))
    throw new LoadError(`a tensor of size [${size}] with stride [${stride}] at offset ${offset} reaches element ${last}, beyond its storage of ${numel}`);
}

// Anything the allowlist lets through as a bare value (a class, a storage type) is not data.
// Returns the tensors the value holds (found by a loop: nesting depth is unbounded).
function checkData(root: unknown): Set<Tensor> {
  const seen = new Set<object>();
  const tensors = new Set<Tensor>();
  const todo: unknown[] = [root];
  while (todo.length) {
    const v = todo.pop();
    if (v instanceof Tensor) tensors.add(v);
    if (typeof v !== 'object' || v === null || v instanceof Tensor || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Global) throw new LoadError(`the file holds a reference to ${v.qualified}, not data`);
    for (const x of Object.values(v)) todo.push(x);
  }
  return tensors;
}

// The zip format (PyTorch >= 1.6): <prefix>/data.pkl, storages in <prefix>/data/<key>.
function zipFormat(bytes: Buffer): { pickle: Buffer; cursor: { pos: number }; storage: StorageBytes } {
  const zip = new ZipReader(bytes);
  const pkl = zip.names.filter((n) => /^[^/]*\/data\.pkl$/.test(n));
  if (pkl.length !== 1) throw new LoadError(pkl.length ? 'several data.pkl records' : 'no data.pkl record (not a torch.save file)');
  const prefix = pkl[0].slice(0, -'data.pkl'.length);
  if (zip.has(`${prefix}byteorder`) && zip.read(`${prefix}byteorder`).toString('latin1') !== 'little') throw new LoadError('big-endian files are not supported');
  const storage = (key: string): Buffer => {
    const record = `${prefix}data/${key}`;
    if (!zip.has(record)) throw new LoadError(`storage record '${record}' is missing`);
    return zip.read(record);
  };
  return { pickle: zip.read(pkl[0]), cursor: { pos: 0 }, storage };
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
// Only finds where a pickle ends: globals are checked, nothing is built.
const skim: UnpicklerHooks = {
  findGlobal: (m, n) => new Global(m, n),
  call: () => newDict(),
  build: () => undefined,
  persistentLoad: () => null,
};

// The legacy format (torch.save before 1.6, or _use_new_zipfile_serialization=False): pickles of the
// magic number, the protocol version, sys_info, the object and the sorted storage keys, then each
// storage as an int64 element count and its bytes. A first pass over the object finds each
// storage's element size, without which the records cannot be told apart.
function legacyFormat(bytes: Buffer): { pickle: Buffer; cursor: { pos: number }; storage: StorageBytes } {
  const cursor = { pos: 0 };
  if (unpickle(bytes, skim, cursor) !== LEGACY_MAGIC) throw new LoadError('not a torch.save file (no zip archive, no legacy magic number)');
  if (unpickle(bytes, skim, cursor) !== 1001) throw new LoadError('unknown legacy protocol version');
  const info = unpickle(bytes, skim, cursor);
  if (!isDict(info) || info.little_endian !== true) throw new LoadError('big-endian or unknown legacy files are not supported');
  const objAt = cursor.pos;
  const sizes = new Map<string, number>();
  const collect: UnpicklerHooks = {
    ...skim,
    persistentLoad: (pid) => {
      const type = isTuple(pid) ? pid[1] : undefined;
      if (type instanceof Global && type.module === 'torch' && Object.hasOwn(STORAGE_DTYPES, type.name) && typeof (pid as unknown[])[2] === 'string')
        sizes.set((pid as unknown[])[2] as string, ELEMENT_SIZE[STORAGE_DTYPES[type.name]]);
      return null;
    },
  };
  unpickle(bytes, collect, cursor);
  const keys = unpickle(bytes, skim, cursor);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new LoadError('legacy storage keys must be a list of strings');
  const records = new Map<string, Buffer>();
  let at = cursor.pos;
  for (const k of keys as string[]) {
    const size = sizes.get(k);
    if (size === undefined) throw new LoadError(`legacy storage '${k}' is not used by the object`);
    if (at + 8 > bytes.length) throw new LoadError('legacy storage data truncated');
    const n = bytes.readBigInt64LE(at);
    if (n < 0n || n * BigInt(size) > BigInt(bytes.length - at - 8)) throw new LoadError(`legacy storage '${k}' of ${n} elements exceeds the file`);
    records.set(k, bytes.subarray(at + 8, at + 8 + Number(n) * size));
    at += 8 + Number(n) * size;
  }
  const storage = (key: string): Buffer => {
    const r = records.get(key);
    if (!r) throw new LoadError(`storage '${key}' is not in the file`);
    return r;
  };
  return { pickle: bytes, cursor: { pos: objAt }, storage };
}

/** Reads the bytes of a torch.save file (zip or legacy format) as torch.load(weights_only=True) would. */
// Takes a Uint8Array so that index.d.ts, which imports this module, needs no @types/node.
export function torchLoad(input: Uint8Array, device: Device = 'cpu'): Loaded {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let hooks: TorchUnpickler | undefined;
  let returned = new Set<Tensor>();
  try {
    const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
    const isLegacy = bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] <= 5;
    const f = isLegacy && !isZip ? legacyFormat(bytes) : zipFormat(bytes);
    hooks = new TorchUnpickler(f.storage, device);
    const value = unpickle(f.pickle, hooks, f.cursor);
    returned = checkData(value);
    return value as Loaded;
  } catch (e) {
    returned = new Set();
    if (e instanceof LoadError || e instanceof PickleError || e instanceof ZipError) throw new LoadError(e.message);
    throw e;
  } finally {
    hooks?.finish(returned);
  }
}
