// TensorBoard's message types, loaded with protobufjs from TensorBoard's own .proto files (proto/,
// copied unchanged from tensorflow/tensorboard: tensorboard/compat/proto and plugins/hparams).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as protobuf from 'protobufjs';

/** protobufjs, loaded on first use (`import 'gumbel-torch'` must not need it). */
let pb: typeof protobuf | undefined;
export function protobufjs(): typeof protobuf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (pb ??= require('protobufjs') as typeof protobuf);
}

/** The folder of the .proto files: beside this file in lib/, or lib/'s copy when running from dist/. */
function protoDir(): string {
  for (const d of [path.join(__dirname, 'proto'), path.resolve(__dirname, '../../../lib/utils/tensorboard/proto')])
    if (fs.existsSync(path.join(d, 'tensorboard/compat/proto/event.proto'))) return d;
  throw new Error(`gumbel-torch: TensorBoard's .proto files are missing (looked in ${__dirname}/proto and lib/utils/tensorboard/proto of the package)`);
}

let root: protobuf.Root | undefined;

/** The loaded definitions (once per process). */
export function tensorboardRoot(): protobuf.Root {
  if (root) return root;
  const dir = protoDir();
  const r = new (protobufjs().Root)();
  // Imports are written from TensorBoard's repository root; google/protobuf/* come with protobufjs.
  r.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : path.join(dir, target));
  r.loadSync(['tensorboard/compat/proto/event.proto', 'tensorboard/plugins/hparams/plugin_data.proto'], { keepCase: false });
  r.resolveAll();
  root = r;
  return r;
}

export function messageType(name: string): protobuf.Type {
  return tensorboardRoot().lookupType(name);
}

/**
 * Serialises a plain object (camelCase field names, enums by name) as the named message. fromObject
 * converts each field to its declared type, so the bytes always follow the .proto (Type.verify would
 * cost three times the encoding, per event).
 */
export function encodeMessage(name: string, obj: object): Uint8Array {
  const T = messageType(name);
  return T.encode(T.fromObject(obj)).finish();
}

export function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  const T = messageType(name);
  return T.toObject(T.decode(bytes), { longs: Number, enums: String, bytes: Buffer, defaults: false, oneofs: true }) as Record<string, unknown>;
}
