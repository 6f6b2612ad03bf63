// One run folder as the run page sees it: its event files read incrementally, its curves merged over
// files (a resumed run adds one), and what is wrong with it, if anything, in words for the page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventFile, type EventFileContents, type HistogramPoint, type ImagePoint, type ScalarSeries } from '../utils/tensorboard/reader';
import { lttb } from './downsample';

export type RunStatus = 'ok' | 'waiting' | 'error';

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  /** What is wrong (error) or what the page waits for (waiting). */
  message?: string;
  /** Increases whenever new events were read. */
  version: number;
  /** Share of its event files' bytes read so far (a long run is read in parts). */
  loaded: number;
  lastStep?: number;
  lastWallTime?: number;
  scalarTags: string[];
  imageTags: string[];
  histogramTags: string[];
  settings: Record<string, string>;
}

const isEventFile = (f: string): boolean => f.startsWith('events.out.tfevents.');

/** Settings from the 'config' text (a markdown table of setting | value, as train --tensorboard writes). */
function parseSettings(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const m = /^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|$/.exec(line);
    if (m && m[1] !== 'setting' && !/^-+$/.test(m[1])) out[m[1]] = m[2];
  }
  return out;
}

export class RunFolder {
  readonly #files = new Map<string, EventFileContents>();
  #version = 0;
  #status: RunStatus = 'waiting';
  #message?: string;
  #series = new Map<string, { version: number; steps: Float64Array; values: Float64Array }>();
  #drawn = new Map<string, { version: number; total: number; points: [number, number][] }>();
  #pending = false;

  constructor(
    readonly id: number,
    readonly name: string,
    /** The run folder as given or found. */
    readonly dir: string,
  ) {}

  /** Where its event files are: <dir>/tb (train --tensorboard's default), else the folder itself. */
  get eventDir(): string {
    const tb = path.join(this.dir, 'tb');
    return fs.existsSync(tb) ? tb : this.dir;
  }

  /**
   * Reads what was added since the last call, about `budget` bytes at most; never throws (what went
   * wrong becomes the status). Returns the bytes read; `pending` says whether more is waiting.
   */
  refresh(budget = Infinity): number {
    let names: string[];
    try {
      names = fs.readdirSync(this.eventDir).filter(isEventFile).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.#set('error', code === 'ENOENT' ? (this.#files.size ? 'the run folder was deleted (its curves are as last read)' : 'the folder does not exist') : `cannot read the folder (${code ?? (e as Error).message})`);
      this.#pending = false;
      return 0;
    }
    if (!names.length) {
      const trained = fs.existsSync(path.join(this.dir, 'checkpoint.pt')) || fs.existsSync(path.join(this.dir, 'metrics.json'));
      this.#set(this.#files.size ? 'error' : 'waiting', this.#files.size ? 'its event files were deleted (its curves are as last read)' : trained ? 'no TensorBoard event files: this run was trained without --tensorboard' : 'no event files yet (training not started?)');
      this.#pending = false;
      return 0;
    }
    const problems: string[] = [];
    let read = 0;
    this.#pending = false;
    for (const name of names) {
      const file = path.join(this.eventDir, name);
      try {
        const known = this.#files.get(file);
        const st = fs.statSync(file);
        // A FIFO or device named like an event file would block the server forever on open.
        if (!st.isFile()) {
          problems.push(`${name}: not a regular file`);
          continue;
        }
        const size = st.size;
        // Nothing new: the last read reached the end of a file that has not grown.
        if (known && (known.error || (known.size === size && known.offset + known.trailing >= size))) {
          if (known.error) problems.push(`${name}: ${known.error}`);
          continue;
        }
        if (read >= budget) {
          this.#pending = true;
          continue;
        }
        const before = known ? known.offset : 0;
        const contents = readEventFile(file, known, { maxBytes: Math.max(1 << 16, budget - read) });
        this.#files.set(file, contents);
        read += contents.offset + contents.trailing - before;
        if (contents.offset + contents.trailing < contents.size) this.#pending = true;
        this.#version++;
        if (contents.error) problems.push(`${name}: ${contents.error}`);
        else if (contents.offset > 0 && contents.fileVersion === undefined) problems.push(`${name}: not a TensorBoard event file (no file_version event)`);
      } catch (e) {
        problems.push(`${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    if (problems.length) this.#set('error', `malformed event file: ${problems.join('; ')} (the records before it are shown)`);
    else this.#set('ok');
    return read;
  }

  /** Whether the last refresh left bytes unread (its budget ran out). */
  get pending(): boolean {
    return this.#pending;
  }

  #set(status: RunStatus, message?: string): void {
    if (status !== this.#status || message !== this.#message) this.#version++;
    this.#status = status;
    this.#message = message;
  }

  get version(): number {
    return this.#version;
  }

  #contents(): EventFileContents[] {
    return [...this.#files.values()];
  }

  summary(): RunSummary {
    const scalarTags = new Set<string>();
    const imageTags = new Set<string>();
    const histogramTags = new Set<string>();
    let lastStep: number | undefined;
    let lastWallTime: number | undefined;
    let config: string | undefined;
    for (const c of this.#contents()) {
      for (const [tag, s] of c.scalars) {
        scalarTags.add(tag);
        const i = s.length - 1;
        if (lastStep === undefined || s.steps[i] > lastStep) lastStep = s.steps[i];
        if (lastWallTime === undefined || s.wallTimes[i] > lastWallTime) lastWallTime = s.wallTimes[i];
      }
      for (const tag of c.images.keys()) imageTags.add(tag);
      for (const tag of c.histograms.keys()) histogramTags.add(tag);
      const t = c.texts.get('config');
      if (t?.length) config = t[t.length - 1].text;
    }
    const files = this.#contents();
    const size = files.reduce((a, f) => a + f.size, 0);
    const loaded = size ? files.reduce((a, f) => a + (f.error ? f.size : Math.min(f.size, f.offset + f.trailing)), 0) / size : 1; // a file with an error is read as far as it goes
    return { id: this.id, name: this.name, status: this.#status, message: this.#message, version: this.#version, loaded, lastStep, lastWallTime, scalarTags: [...scalarTags].sort(), imageTags: [...imageTags].sort(), histogramTags: [...histogramTags].sort(), settings: parseSettings(config) };
  }

  /** A tag's points over all files by step (a later file wins a step both have: a resume rewrote it). */
  #merged(tag: string): { steps: Float64Array; values: Float64Array } {
    const cached = this.#series.get(tag);
    if (cached && cached.version === this.#version) return cached;
    const parts = this.#contents()
      .map((c) => c.scalars.get(tag))
      .filter((p): p is ScalarSeries => p !== undefined);
    let series: { version: number; steps: Float64Array; values: Float64Array };
    if (parts.length === 1) series = { version: this.#version, steps: Float64Array.from(parts[0].steps), values: Float64Array.from(parts[0].values) };
    else {
      // Several files (a resumed run): by step, the later file's point where both have a step.
      let pts = parts.flatMap((p, f) => p.steps.map((step, i) => ({ step, value: p.values[i], f })));
      pts.sort((x, y) => x.step - y.step || x.f - y.f);
      pts = pts.filter((p, i) => i === pts.length - 1 || pts[i + 1].step !== p.step);
      series = { version: this.#version, steps: Float64Array.from(pts, (p) => p.step), values: Float64Array.from(pts, (p) => p.value) };
    }
    this.#series.set(tag, series);
    return series;
  }

  /** At most `points` points of the tag's curve (all of them when fewer), and how many there are. */
  scalars(tag: string, points: number): { total: number; points: [number, number][] } {
    const key = `${points}\u0000${tag}`;
    const cached = this.#drawn.get(key);
    if (cached && cached.version === this.#version) return cached;
    const s = this.#merged(tag);
    // Non-finite values (a diverged loss) cannot be drawn; they are left out of the downsampling.
    let steps = s.steps;
    let values = s.values;
    if (values.some((v) => !Number.isFinite(v))) {
      const keep = [...values.keys()].filter((i) => Number.isFinite(values[i]));
      steps = Float64Array.from(keep, (i) => s.steps[i]);
      values = Float64Array.from(keep, (i) => s.values[i]);
    }
    const drawn = { version: this.#version, total: s.steps.length, points: lttb(steps, values, points) };
    this.#drawn.set(key, drawn);
    return drawn;
  }

  /** The tag's histograms in step order (latent usage per epoch for train --tensorboard). */
  histograms(tag: string): HistogramPoint[] {
    return this.#contents()
      .flatMap((c) => c.histograms.get(tag) ?? [])
      .sort((a, b) => a.step - b.step);
  }

  /** The tag's pictures in step order (one per epoch for train --tensorboard). */
  images(tag: string): ImagePoint[] {
    return this.#contents()
      .flatMap((c) => c.images.get(tag) ?? [])
      .sort((a, b) => a.step - b.step);
  }
}
