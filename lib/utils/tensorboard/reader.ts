// Reads event files back (the run page's server; tests): scalars, images, histograms and text per tag.
// Reading is incremental: a growing file is read from where the previous read stopped.
import * as fs from 'node:fs';
import { readRecords } from './record';
import { messageType } from './proto';
import { fastScalar } from './scalar-fast-path';

export interface ScalarPoint {
  step: number;
  wallTime: number;
  value: number;
}
/**
 * A tag's scalars in columns (plain arrays of numbers, 24 bytes a point): a run page holds millions
 * of them, which as one object each would cost several times the memory and long GC pauses.
 */
export class ScalarSeries {
  readonly steps: number[] = [];
  readonly wallTimes: number[] = [];
  readonly values: number[] = [];
  get length(): number {
    return this.steps.length;
  }
  push(step: number, wallTime: number, value: number): void {
    this.steps.push(step);
    this.wallTimes.push(wallTime);
    this.values.push(value);
  }
  /** The points as objects (for a few; the columns for many). */
  points(): ScalarPoint[] {
    return this.steps.map((step, i) => ({ step, wallTime: this.wallTimes[i], value: this.values[i] }));
  }
}

export interface ImagePoint {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  /** The PNG file's bytes. */
  png: Uint8Array;
}
export interface HistogramPoint {
  step: number;
  wallTime: number;
  min: number;
  max: number;
  num: number;
  sum: number;
  bucketLimit: number[];
  bucket: number[];
}
export interface TextPoint {
  step: number;
  wallTime: number;
  text: string;
}

export interface EventFileContents {
  file: string;
  fileVersion?: string;
  scalars: Map<string, ScalarSeries>;
  images: Map<string, ImagePoint[]>;
  histograms: Map<string, HistogramPoint[]>;
  texts: Map<string, TextPoint[]>;
  /** Where the next read of a growing file starts. */
  offset: number;
  /** Bytes of a last record not written whole (yet), or not read yet (a read limited by maxBytes). */
  trailing: number;
  /** The file's size when it was last read. */
  size: number;
  /** Why the file could not be read further (a bad CRC, a record that is no Event). */
  error?: string;
}

// The decoded messages, as far as the reader looks into them.
interface DecodedValue {
  tag: string;
  simpleValue?: number;
  image?: { width: number; height: number; encodedImageString: Uint8Array };
  histo?: { min: number; max: number; num: number; sum: number; bucketLimit: number[]; bucket: number[] };
  tensor?: { stringVal?: Uint8Array[]; floatVal?: number[]; doubleVal?: number[] };
  metadata?: { pluginData?: { pluginName?: string } };
}
interface DecodedEvent {
  wallTime: number;
  step: number | { toNumber(): number };
  fileVersion?: string;
  summary?: { value: DecodedValue[] };
}

function pushScalar(m: Map<string, ScalarSeries>, tag: string, step: number, wallTime: number, value: number): void {
  let s = m.get(tag);
  if (!s) m.set(tag, (s = new ScalarSeries()));
  s.push(step, wallTime, value);
}

function push<T>(m: Map<string, T[]>, tag: string, v: T): void {
  const a = m.get(tag);
  if (a) a.push(v);
  else m.set(tag, [v]);
}

/**
 * Reads `file`, or the part of it added since `prev` was read (then `prev` is updated and returned).
 * `maxBytes` reads a long file in parts (a record longer than that is still read whole): the run
 * page's server reads a few MiB at a time and answers requests in between.
 */
export function readEventFile(file: string, prev?: EventFileContents, opts: { maxBytes?: number } = {}): EventFileContents {
  const c: EventFileContents = prev ?? { file, scalars: new Map(), images: new Map(), histograms: new Map(), texts: new Map(), offset: 0, trailing: 0, size: 0 };
  if (c.error) return c;
  // Non-blocking open: a FIFO in place of an event file is refused below instead of waiting for a writer.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  let scan: ReturnType<typeof readRecords>;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    const size = st.size;
    c.size = size;
    if (size < c.offset) {
      c.error = `${file} got shorter while being read (rewritten?)`;
      return c;
    }
    let want = Math.min(size - c.offset, opts.maxBytes ?? Infinity);
    for (;;) {
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const n = fs.readSync(fd, buf, got, want - got, c.offset + got);
        if (n === 0) break;
        got += n;
      }
      scan = readRecords(buf.subarray(0, got));
      // A part that ends inside its first record: read more, until that record is whole or the file ends.
      if (scan.records.length || scan.error || c.offset + got >= size) break;
      want = Math.min(size - c.offset, want * 4);
    }
  } finally {
    fs.closeSync(fd);
  }
  const Event = messageType('tensorboard.Event');
  for (let i = 0; i < scan.records.length; i++) {
    const f = fastScalar(scan.records[i]);
    if (f) {
      pushScalar(c.scalars, f.tag, f.step, f.wallTime, f.value);
      continue;
    }
    let e: DecodedEvent;
    try {
      e = Event.decode(scan.records[i]) as unknown as DecodedEvent;
    } catch (err) {
      c.error = `a record is not a TensorBoard Event (${(err as Error).message})`;
      return c;
    }
    if (e.fileVersion) c.fileVersion = e.fileVersion;
    const step = typeof e.step === 'number' ? e.step : e.step.toNumber();
    for (const v of e.summary?.value ?? []) {
      const at = { step, wallTime: e.wallTime };
      const plugin = v.metadata?.pluginData?.pluginName;
      if (v.simpleValue !== undefined && v.simpleValue !== null && !v.image && !v.histo && !v.tensor) pushScalar(c.scalars, v.tag, step, e.wallTime, v.simpleValue);
      else if (v.image) push(c.images, v.tag, { ...at, width: v.image.width, height: v.image.height, png: Buffer.from(v.image.encodedImageString) });
      else if (v.histo) push(c.histograms, v.tag, { ...at, min: v.histo.min, max: v.histo.max, num: v.histo.num, sum: v.histo.sum, bucketLimit: v.histo.bucketLimit, bucket: v.histo.bucket });
      else if (v.tensor && plugin === 'text' && v.tensor.stringVal?.length) push(c.texts, v.tag.replace(/\/text_summary$/, ''), { ...at, text: Buffer.from(v.tensor.stringVal[0]).toString('utf8') });
      else if (v.tensor && plugin === 'scalars') {
        const x = v.tensor.floatVal?.[0] ?? v.tensor.doubleVal?.[0];
        if (x !== undefined) pushScalar(c.scalars, v.tag, step, e.wallTime, x);
      }
    }
  }
  c.offset += scan.consumed;
  c.trailing = scan.trailing;
  if (scan.error) c.error = `${scan.error} (after ${c.offset} good bytes)`;
  return c;
}
