// An events.out.tfevents.* file written in the background: records are queued in memory and appended
// by libuv's thread pool, so a training step never waits on the disk.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeRecord } from './record';
import { encodeMessage } from './proto';

export interface EventFileOptions {
  /** Queued events that trigger a write (PyTorch's max_queue). */
  maxQueue: number;
  /** Seconds between background flushes (PyTorch's flush_secs). */
  flushSecs: number;
  filenameSuffix: string;
}

/** An Event message as plain data (camelCase, as protobufjs takes it). */
export interface EventObject {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: object[] };
}

let uid = 0;
const open = new Set<EventFileWriter>();
// What is still queued when the process exits goes out synchronously (unless a write is in flight).
process.on('exit', () => {
  for (const w of open) w.flushSync();
});

export class EventFileWriter {
  readonly file: string;
  readonly #opts: EventFileOptions;
  #fd: number | undefined;
  #queue: Uint8Array[] = [];
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failed: Error | undefined;
  #closed = false;

  constructor(
    readonly logDir: string,
    opts: EventFileOptions,
    readonly onError: (e: Error, file: string) => void,
  ) {
    this.#opts = opts;
    fs.mkdirSync(logDir, { recursive: true });
    // PyTorch's (TensorBoard's) name: events.out.tfevents.<seconds>.<host>.<pid>.<uid><suffix>.
    const name = `events.out.tfevents.${String(Math.floor(Date.now() / 1000)).padStart(10, '0')}.${os.hostname()}.${process.pid}.${uid++}${opts.filenameSuffix}`;
    this.file = path.join(logDir, name);
    this.#fd = fs.openSync(this.file, 'a');
    open.add(this);
    this.add({ wallTime: Date.now() / 1000, fileVersion: 'brain.Event:2' });
    this.#flushSoon(0);
  }

  /** Queues an event; it reaches the file within flushSecs, or sooner once maxQueue are waiting. */
  add(event: EventObject): void {
    if (this.#closed) throw new Error(`SummaryWriter: ${this.file}: the writer is closed`);
    if (this.#failed) return;
    this.#queue.push(encodeRecord(encodeMessage('tensorboard.Event', event)));
    if (this.#queue.length >= this.#opts.maxQueue) this.#flushSoon(0);
    else this.#flushSoon(this.#opts.flushSecs * 1000);
  }

  /** Resolves once everything queued so far is in the file. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (!this.#queue.length || this.#fd === undefined || this.#failed) return;
    const fd = this.#fd;
    const data = Buffer.concat(this.#queue);
    this.#queue = [];
    this.#writing = writeAll(fd, data).catch((e: Error) => this.#fail(e));
    try {
      await this.#writing;
    } finally {
      this.#writing = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.flush();
    open.delete(this);
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) fs.closeSync(fd);
  }

  /** At exit: the queue, written at once (skipped if an asynchronous write is under way: it would interleave). */
  flushSync(): void {
    if (this.#writing || this.#fd === undefined || this.#failed || !this.#queue.length) return;
    try {
      fs.writeSync(this.#fd, Buffer.concat(this.#queue));
    } catch (e) {
      this.#fail(e as Error);
    }
    this.#queue = [];
  }

  #flushSoon(ms: number): void {
    if (this.#timer && ms > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, ms);
    // A pending flush does not keep the process alive; close() or the exit hook writes the rest.
    this.#timer.unref();
  }

  // A failed write (full disk, folder removed) is reported once; later events are dropped, training goes on.
  #fail(e: Error): void {
    if (this.#failed) return;
    this.#failed = e;
    this.#queue = [];
    this.onError(e, this.file);
  }
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void =>
      fs.write(fd, data, off, data.length - off, null, (err, n) => {
        if (err) reject(err);
        else if (off + n < data.length) step(off + n);
        else resolve();
      });
    step(0);
  });
}
