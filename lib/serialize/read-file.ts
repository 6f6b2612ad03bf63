// Reading a file that must be a regular one: a device, a FIFO or a socket is refused at once, never
// read without end (kept out of the public .d.ts graph: its types need @types/node).
import * as fs from 'node:fs';

/** What a non-regular file is, for errors. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A regular file's bytes, read up to the size it had when opened: a device, a FIFO (opened without
 * blocking) or a socket is refused at once rather than read without end.
 */
export function readRegularFile(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`it is ${fileKind(st)}, not a regular file`), { code: 'ENOTREG' });
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break; // truncated meanwhile: the parser reports the short file
      off += n;
    }
    return off === st.size ? buf : buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}
