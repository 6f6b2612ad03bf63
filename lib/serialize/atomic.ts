// Writes that never lose data: every byte is written (or the write throws, ENOSPC included) into a
// uniquely named temporary file beside the target, flushed, then renamed over it, so the old file
// stays intact until the new one is complete. Symlinks are followed and the target's mode is kept,
// as Python's torch.save (open(f, 'wb')) does. A temporary left by a killed process is removed by
// the next save to the same file.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { fileKind } from './read-file';

const MAX_LINKS = 40;

/** The file a path finally names, following symlinks (also ones whose target does not exist yet). */
export function resolveTarget(file: string): string {
  let p = path.resolve(file);
  // The folder's own links resolved too, when it exists (a missing one is made later).
  const inRealDir = (q: string): string => (fs.existsSync(path.dirname(q)) ? path.join(fs.realpathSync(path.dirname(q)), path.basename(q)) : q);
  for (let i = 0; i < MAX_LINKS; i++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return inRealDir(p);
    }
    if (!st.isSymbolicLink()) return inRealDir(p);
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP' });
}

const host = os.hostname().replace(/[^\w-]/g, '_');
const tempPrefix = (target: string): string => `.${path.basename(target)}.tmp-`;

/** tmp-<host>-<pid>-<thread>-<random>: unique across threads and processes (and opened O_EXCL). */
function tempName(target: string): string {
  return path.join(path.dirname(target), `${tempPrefix(target)}${host}-${process.pid}-${threadId}-${crypto.randomBytes(6).toString('hex')}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries of this host's processes that no longer run (killed mid-save). */
function removeStaleTemps(target: string): void {
  const prefix = `${tempPrefix(target)}${host}-`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(target));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    if (Number.isSafeInteger(pid) && pid > 0 && !alive(pid)) fs.rmSync(path.join(path.dirname(target), n), { force: true });
  }
}

/** writeSync until every byte is written; a short write is continued, an error thrown. */
export function writeAll(fd: number, chunks: Uint8Array[]): void {
  for (const c of chunks) {
    for (let off = 0; off < c.length; ) {
      const n = fs.writeSync(fd, c, off, c.length - off);
      if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
      off += n;
    }
  }
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^\w+: /, '')}` : String(err.message ?? e);
}

/**
 * mkdir -p one level at a time. Node's recursive mkdir spins forever where mkdir fails with ENOENT
 * under an existing folder (/proc), and reports ENOENT where the real cause is EROFS.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(d).isDirectory()) continue; // made meanwhile by another process
      if (code === 'ENOENT' && fs.existsSync(path.dirname(d))) {
        throw Object.assign(new Error(`ENOENT: cannot create folder '${d}': its filesystem does not allow new folders in ${path.dirname(d)}`), { code });
      }
      throw e;
    }
  }
  if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`ENOTDIR: '${dir}' is not a folder`), { code: 'ENOTDIR' });
}

/** Atomically replaces `file` with the chunks; on any failure the old file is untouched. */
export function writeFileAtomic(file: string, chunks: Uint8Array[], what = 'save()'): void {
  let target: string;
  try {
    target = resolveTarget(file);
    makeDirs(path.dirname(target));
  } catch (e) {
    throw new Error(`${what}: cannot write ${file} (${describeError(e)})`);
  }
  let mode: number | undefined;
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    st = undefined; // a new file gets 0o666 less the umask, as open(f, 'wb') gives it
  }
  // The rename would replace a device, a FIFO or a socket with a regular file (save(x, '/dev/null')
  // as root would destroy /dev/null): only regular files are written.
  if (st && !st.isFile()) throw new Error(`${what}: cannot write ${file}: it is ${fileKind(st)}, not a regular file; save to a regular file`);
  if (st) mode = st.mode & 0o7777;
  removeStaleTemps(target);
  const tmp = tempName(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666);
    if (mode !== undefined) fs.fchmodSync(fd, mode);
    writeAll(fd, chunks);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was created there (e.g. the folder is a file): the error below says why
    }
    const kept = fs.existsSync(target) ? `; the previous ${path.basename(target)} was kept` : '';
    throw new Error(`${what}: could not write ${file} (${describeError(e)})${kept}`);
  }
  syncDir(path.dirname(target));
}

// Makes the rename durable; some file systems cannot fsync a folder, which is not an error.
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Throws unless a file can be created in `dir` (made if missing): checked before long work. */
export function checkWritableDir(dir: string, what: string): void {
  let fd: number | undefined;
  let probe: string | undefined;
  try {
    makeDirs(dir);
    probe = tempName(path.join(fs.realpathSync(dir), 'write-check'));
    fd = fs.openSync(probe, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    writeAll(fd, [Buffer.from('ok')]);
  } catch (e) {
    throw new Error(`${what}: cannot write to ${dir} (${describeError(e)})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (probe) fs.rmSync(probe, { force: true });
  }
}
