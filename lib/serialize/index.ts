// torch.save / torch.load files and safetensors files, read without executing anything and written
// atomically (see atomic.ts).
import * as fs from 'node:fs';
import { describe } from '../check';
import { Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { safetensorsChunks, safetensorsLoad, SafetensorsFile } from './safetensors';
import { Loaded, torchLoad } from './torch-load';
import { Saveable, torchSaveChunks } from './torch-save';

export type { Loaded } from './torch-load';
export type { Saveable } from './torch-save';
export type { SafetensorsFile } from './safetensors';
export { checkWritableDir } from './atomic';

function checkPath(file: unknown, fn: string): string {
  if (typeof file !== 'string' || !file) throw new TypeError(`${fn}: file must be a non-empty path string, got ${describe(file)}`);
  return file;
}
function checkBytes(bytes: unknown, fn: string): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${fn}: expected a Buffer or Uint8Array, got ${describe(bytes)}`);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
function named<T>(file: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    throw new Error(`${file}: not a readable ${what} file (${(e as Error).message})`);
  }
}

/** Serialises to bytes in torch.save's format (tensors are saved from the CPU, detached). */
export function serialize(obj: Saveable): Buffer {
  return Buffer.concat(torchSaveChunks(obj));
}
/** Reads torch.save bytes as torch.load(weights_only=True) does, onto the CPU. */
export function deserialize(bytes: Uint8Array): Loaded {
  return torchLoad(checkBytes(bytes, 'deserialize'));
}

/** torch.save: writes obj to file atomically; Python's torch.load (also weights_only=True) reads it. */
export function save(obj: Saveable, file: string): void {
  checkPath(file, 'save');
  writeFileAtomic(file, torchSaveChunks(obj));
}

/**
 * torch.load(file, weights_only=True, map_location='cpu'): dicts (and OrderedDicts) become objects,
 * lists and tuples arrays, tensors and Parameters CPU tensors (views sharing a storage stay views of
 * one storage). Anything else in the file (code, other classes) is refused with an Error.
 */
export function load(file: string): Loaded {
  checkPath(file, 'load');
  const bytes = readBytes(file);
  return named(file, 'torch.save', () => torchLoad(bytes));
}

/** safetensors.torch.save_file: named tensors (and string metadata) to a .safetensors file, atomically. */
export function saveSafetensors(tensors: Record<string, Tensor>, file: string, opts: { metadata?: Record<string, string> } = {}): void {
  checkPath(file, 'saveSafetensors');
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`saveSafetensors: options must be an object, got ${describe(opts)}`);
  const unknown = Object.keys(opts).filter((k) => k !== 'metadata');
  if (unknown.length) throw new TypeError(`saveSafetensors: unknown option '${unknown[0]}' (known: metadata)`);
  writeFileAtomic(file, safetensorsChunks(tensors, opts.metadata), 'saveSafetensors()');
}
/** safetensors.torch.load_file: the named tensors of a .safetensors file, on the CPU. */
export function loadSafetensors(file: string): Record<string, Tensor> {
  return readSafetensors(file).tensors;
}
/** The tensors and the __metadata__ strings of a .safetensors file. */
export function readSafetensors(file: string): SafetensorsFile {
  checkPath(file, 'loadSafetensors');
  const bytes = readBytes(file);
  return named(file, 'safetensors', () => safetensorsLoad(bytes));
}
/** safetensors.torch.save: bytes of a safetensors file. */
export function serializeSafetensors(tensors: Record<string, Tensor>, opts: { metadata?: Record<string, string> } = {}): Buffer {
  return Buffer.concat(safetensorsChunks(tensors, opts.metadata));
}
/** safetensors.torch.load: tensors from safetensors bytes. */
export function deserializeSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  return safetensorsLoad(checkBytes(bytes, 'deserializeSafetensors')).tensors;
}
