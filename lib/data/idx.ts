// IDX files (MNIST's format), raw or gzip-compressed, validated: magic number, dimensions, size.
import { readRegularFile } from '../serialize/read-file';
import * as zlib from 'node:zlib';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** Reads an unsigned-byte IDX file (type 0x08). Errors name the file and what is wrong. */
export function readIdx(file: string): IdxArray {
  let buf: Buffer;
  try {
    buf = readRegularFile(file); // a device or FIFO is refused, not read without end
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${file}: cannot read (${err.code === 'ENOTREG' ? err.message : err.code ?? err.message})`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new Error(`${file}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (buf.length < 4) throw new Error(`${file}: too short to be an IDX file (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0) throw new Error(`${file}: not an IDX file (bad magic number 0x${buf.readUInt32BE(0).toString(16).padStart(8, '0')})`);
  if (buf[2] !== 0x08) throw new Error(`${file}: IDX element type 0x${buf[2].toString(16)} is not unsigned byte (0x08)`);
  const ndim = buf[3];
  if (ndim < 1 || ndim > 4) throw new Error(`${file}: IDX with ${ndim} dimensions is not supported`);
  const header = 4 + 4 * ndim;
  if (buf.length < header) throw new Error(`${file}: truncated header`);
  const shape = Array.from({ length: ndim }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const n = shape.reduce((a, b) => a * b, 1);
  if (buf.length - header !== n) {
    const what = buf.length - header < n ? 'truncated' : 'has trailing bytes';
    throw new Error(`${file}: ${what}: header says [${shape.join(' x ')}] = ${n} bytes of data, file holds ${buf.length - header}`);
  }
  return { shape, data: new Uint8Array(buf.buffer, buf.byteOffset + header, n) };
}
