// torch.save / torch.load files and safetensors files, read without executing anything and written
// atomically (see atomic.ts).
import { checkOptions, describe } from '../check';
import { checkDevice, type Device, type Tensor } from '../tensor';
import { writeFileAtomic } from './atomic';
import { readRegularFile } from './read-file';
import { safetensorsChunks, safetensorsLoad, type SafetensorsFile } from './safetensors';
import { type Loaded, torchLoad } from './torch-load';
import { type Saveable, torchSaveChunks } from './torch-save';

export type { Loaded } from './torch-load';
export type { Saveable } from './torch-save';
export type { SafetensorsFile } from './safetensors';
export { checkWritableDir } from './atomic';

/** Options of load/deserialize (as torch.load's map_location) and of loadSafetensors (as load_file's device). */
export interface LoadOptions {
  /** Device for the tensors (default 'cpu'); views sharing a storage still share it there. */
  mapLocation?: Device;
}
export interface SafetensorsLoadOptions {
  device?: Device;
}

function deviceOption(d: unknown, name: string): Device {
  return d === undefined ? 'cpu' : checkDevice(d as Device, name);
}

function checkPath(file: unknown, fn: string): string {
  if (typeof file !== 'string' || !file) throw new TypeError(`${fn}: file must be a non-empty path string, got ${describe(file)}`);
  // 'dir/new/' names a folder: writing a file there would silently drop the slash (Python refuses too).
  if (/[\\/]$/.test(file)) throw Object.assign(new Error(`${fn}: ${file}: a file path cannot end with a slash`), { code: 'EISDIR' });
  return file;
}
function checkBytes(bytes: unknown, fn: string): Buffer {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${fn}: expected a Buffer or Uint8Array, got ${describe(bytes)}`);
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
function readBytes(file: string): Buffer {
  try {
    return readRegularFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${file}: cannot read (${err.code === 'ENOTREG' ? err.message : err.code ?? err.message})`);
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
// Public signatures say Uint8Array (a Buffer is one) so that the types need no @types/node.
export function serialize(obj: Saveable): Uint8Array {
  return Buffer.concat(torchSaveChunks(obj));
}
/** Reads torch.save bytes as torch.load(weights_only=True) does. */
export function deserialize(bytes: Uint8Array, opts?: LoadOptions): Loaded {
  const o = checkOptions<LoadOptions>(opts, 'deserialize options', ['mapLocation']);
  return torchLoad(checkBytes(bytes, 'deserialize'), deviceOption(o.mapLocation, 'mapLocation'));
}

/** torch.save: writes obj to file atomically; Python's torch.load (also weights_only=True) reads it. */
export function save(obj: Saveable, file: string, ...rest: never[]): void {
  if (rest.length) throw new TypeError('save(obj, file) takes two arguments (pickle options are not supported)');
  checkPath(file, 'save');
  writeFileAtomic(file, torchSaveChunks(obj));
}

/**
 * torch.load(file, weights_only=True, map_location=opts.mapLocation ?? 'cpu'): dicts (and OrderedDicts) become objects,
 * lists and tuples arrays, tensors and Parameters CPU tensors (views sharing a storage stay views of
 * one storage). Anything else in the file (code, other classes) is refused with an Error.
 */
export function load(file: string, opts?: LoadOptions): Loaded {
  checkPath(file, 'load');
  const device = deviceOption(checkOptions<LoadOptions>(opts, 'load options', ['mapLocation']).mapLocation, 'mapLocation');
  const bytes = readBytes(file);
  return named(file, 'torch.save', () => torchLoad(bytes, device));
}

/** safetensors.torch.save_file: named tensors (and string metadata) to a .safetensors file, atomically. */
export function saveSafetensors(tensors: Record<string, Tensor>, file: string, opts?: { metadata?: Record<string, string> }): void {
  checkPath(file, 'saveSafetensors');
  const o = checkOptions<{ metadata?: Record<string, string> }>(opts, 'saveSafetensors options', ['metadata']);
  writeFileAtomic(file, safetensorsChunks(tensors, o.metadata), 'saveSafetensors()');
}
/** safetensors.torch.load_file: the named tensors of a .safetensors file. */
export function loadSafetensors(file: string, opts?: SafetensorsLoadOptions): Record<string, Tensor> {
  return readSafetensors(file, opts).tensors;
}
/** The tensors and the __metadata__ strings of a .safetensors file. */
export function readSafetensors(file: string, opts?: SafetensorsLoadOptions): SafetensorsFile {
  checkPath(file, 'loadSafetensors');
  const device = deviceOption(checkOptions<SafetensorsLoadOptions>(opts, 'loadSafetensors options', ['device']).device, 'device');
  const bytes = readBytes(file);
  return named(file, 'safetensors', () => safetensorsLoad(bytes, device));
}
/** safetensors.torch.save: bytes of a safetensors file. */
export function serializeSafetensors(tensors: Record<string, Tensor>, opts?: { metadata?: Record<string, string> }): Uint8Array {
  const o = checkOptions<{ metadata?: Record<string, string> }>(opts, 'serializeSafetensors options', ['metadata']);
  return Buffer.concat(safetensorsChunks(tensors, o.metadata));
}
/** safetensors.torch.load: tensors from safetensors bytes. */
export function deserializeSafetensors(bytes: Uint8Array, opts?: SafetensorsLoadOptions): Record<string, Tensor> {
  const device = deviceOption(checkOptions<SafetensorsLoadOptions>(opts, 'deserializeSafetensors options', ['device']).device, 'device');
  return safetensorsLoad(checkBytes(bytes, 'deserializeSafetensors'), device).tensors;
}
