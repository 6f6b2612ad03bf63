// torch.save / torch.load compatible files (written atomically), holding tensors, numbers, strings,
// booleans, arrays and plain objects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as describeValue } from './check';
import { NativeTensor } from './native';
import { opRaw, Tensor } from './tensor';

export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [k: string]: Saveable };
export type Loaded = Tensor | number | string | boolean | null | Loaded[] | { [k: string]: Loaded };

function toNative(v: Saveable): unknown {
  if (v instanceof Tensor) return v.handle;
  if (Array.isArray(v)) return v.map(toNative);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNative(x)]));
  return v;
}
function fromNative(v: unknown): Loaded {
  if (v !== null && typeof v === 'object' && typeof (v as NativeTensor).isDisposed === 'function') return Tensor.fromHandle(v as NativeTensor);
  if (Array.isArray(v)) return v.map(fromNative);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromNative(x)]));
  return v as Loaded;
}

// Public signatures say Uint8Array (a Buffer is one) so that the types need no @types/node.
/** Serialises to bytes in torch.save's zip format (tensors are saved from the CPU). */
export function serialize(obj: Saveable): Uint8Array {
  return opRaw('pickleSave', toNative(obj)) as Buffer;
}
export function deserialize(bytes: Uint8Array): Loaded {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`expected a Uint8Array or Buffer, got ${describeValue(bytes)}`);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fromNative(opRaw('pickleLoad', buf));
}

/** Writes atomically: a temporary file in the same folder, fsync, then rename over the target. */
export function save(obj: Saveable, file: string): void {
  if (typeof file !== 'string' || !file) throw new TypeError('save(obj, file): file must be a path');
  const bytes = serialize(obj);
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Reads a file written by save() or by Python's torch.save (a dict of tensors and plain values). */
export function load(file: string): Loaded {
  if (typeof file !== 'string' || !file) throw new TypeError('load(file): file must be a path');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return deserialize(bytes);
  } catch (e) {
    throw new Error(`${file}: not a readable torch.save file (${(e as Error).message})`);
  }
}
