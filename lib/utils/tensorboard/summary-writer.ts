// torch.utils.tensorboard.SummaryWriter in camelCase: event files TensorBoard reads, written in the background.
import * as os from 'node:os';
import * as path from 'node:path';
import { checkInt, checkNumber, checkOptions, describe } from '../../check';
import { Tensor } from '../../tensor';
import { EventFileWriter } from './event-file';
import { type Bins, type DataFormats, type HParamValue, histogramProto, histogramValue, hparamsValues, imageValue, scalarValue, textValue, toHWC } from './summary';
import type { Values } from './values';

export interface SummaryWriterOptions {
  /** Appended to the default log folder's name (PyTorch's comment). */
  comment?: string;
  /** Events queued before a background write starts (default 10). */
  maxQueue?: number;
  /** Seconds between background flushes (default 120, as PyTorch). */
  flushSecs?: number;
  /** Appended to the event file's name. */
  filenameSuffix?: string;
  /** Called once when a write fails (default: a line on stderr); later events are dropped. */
  onError?: (error: Error, file: string) => void;
}

const OPTIONS = ['comment', 'maxQueue', 'flushSecs', 'filenameSuffix', 'onError'] as const;

/** PyTorch's default folder: runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>. */
function defaultLogDir(comment: string): string {
  const d = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  const mon = d.toLocaleString('en-US', { month: 'short' });
  return path.join('runs', `${mon}${two(d.getDate())}_${two(d.getHours())}-${two(d.getMinutes())}-${two(d.getSeconds())}_${os.hostname()}${comment}`);
}

function checkTag(tag: unknown, name = 'tag'): string {
  if (typeof tag !== 'string' || !tag) throw new TypeError(`${name} must be a non-empty string, got ${describe(tag)}`);
  return tag;
}

function checkStep(step: unknown): number | undefined {
  return step === undefined ? undefined : checkInt(step, 'globalStep', 0);
}

function checkWalltime(t: unknown): number {
  return t === undefined ? Date.now() / 1000 : checkNumber(t, 'walltime', { finite: true });
}

function scalarOf(v: unknown, name: string): number {
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new RangeError(`${name} must be a number or a one-element Tensor, got shape [${v.shape.join(', ')}]`);
    return Number(v.item());
  }
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number or a one-element Tensor, got ${describe(v)}`);
  return v;
}

export class SummaryWriter {
  readonly #logDir: string;
  readonly #opts: { maxQueue: number; flushSecs: number; filenameSuffix: string };
  readonly #onError: (e: Error, file: string) => void;
  #writer: EventFileWriter | undefined;
  readonly #file: string;
  /** addScalars' writers, one per sub-folder, as PyTorch keeps them. */
  readonly #subWriters = new Map<string, EventFileWriter>();
  #closed = false;

  constructor(logDir?: string, opts: SummaryWriterOptions = {}) {
    checkOptions(opts, 'SummaryWriter options', [...OPTIONS]);
    if (logDir !== undefined && (typeof logDir !== 'string' || !logDir)) throw new TypeError(`logDir must be a non-empty string, got ${describe(logDir)}`);
    const comment = opts.comment ?? '';
    if (typeof comment !== 'string') throw new TypeError(`comment must be a string, got ${describe(comment)}`);
    const suffix = opts.filenameSuffix ?? '';
    if (typeof suffix !== 'string' || suffix.includes('/') || suffix.includes(path.sep)) throw new TypeError(`filenameSuffix must be a string without a path separator, got ${describe(suffix)}`);
    if (opts.onError !== undefined && typeof opts.onError !== 'function') throw new TypeError(`onError must be a function, got ${describe(opts.onError)}`);
    this.#opts = {
      maxQueue: opts.maxQueue === undefined ? 10 : checkInt(opts.maxQueue, 'maxQueue', 1),
      flushSecs: opts.flushSecs === undefined ? 120 : checkNumber(opts.flushSecs, 'flushSecs', { finite: true, positive: true }),
      filenameSuffix: suffix,
    };
    this.#logDir = logDir ?? defaultLogDir(comment);
    let reported = false;
    this.#onError =
      opts.onError ??
      ((e, file) => {
        if (reported) return;
        reported = true;
        process.stderr.write(`gumbel-torch: SummaryWriter: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? e.message}); training goes on without TensorBoard events\n`);
      });
    this.#writer = new EventFileWriter(this.#logDir, this.#opts, this.#onError);
    this.#file = this.#writer.file;
  }

  /** The folder of this writer's event file. */
  get logDir(): string {
    return this.#logDir;
  }
  /** The event file being written. */
  get file(): string {
    return this.#file;
  }

  #main(): EventFileWriter {
    if (this.#closed || !this.#writer) throw new Error(`SummaryWriter(${this.#logDir}): the writer is closed`);
    return this.#writer;
  }

  #add(values: object[], step: number | undefined, walltime: number | undefined, writer = this.#main()): void {
    writer.add({ wallTime: checkWalltime(walltime), ...(step ? { step } : {}), summary: { value: values } });
  }

  addScalar(tag: string, scalarValue_: number | Tensor, globalStep?: number, walltime?: number): void {
    const v = scalarOf(scalarValue_, 'scalarValue');
    this.#add([scalarValue(checkTag(tag), v)], checkStep(globalStep), walltime);
  }

  /** Several curves on one chart: each key goes to its own run folder <logDir>/<mainTag>_<key>, under tag mainTag. */
  addScalars(mainTag: string, tagScalarDict: Record<string, number | Tensor>, globalStep?: number, walltime?: number): void {
    checkTag(mainTag, 'mainTag');
    if (tagScalarDict === null || typeof tagScalarDict !== 'object' || Array.isArray(tagScalarDict)) throw new TypeError(`tagScalarDict must be an object of numbers, got ${describe(tagScalarDict)}`);
    const step = checkStep(globalStep);
    const entries = Object.entries(tagScalarDict).map(([k, v]) => [k, scalarOf(v, `tagScalarDict.${k}`)] as const);
    this.#main();
    for (const [k, v] of entries) {
      const dir = path.join(this.#logDir, `${mainTag}_${k}`.replace(/\//g, '_'));
      let w = this.#subWriters.get(dir);
      if (!w) {
        w = new EventFileWriter(dir, this.#opts, this.#onError);
        this.#subWriters.set(dir, w);
      }
      this.#add([scalarValue(mainTag, v)], step, walltime, w);
    }
  }

  /** An image: CHW (default), HWC or HW; floats in [0, 1] or uint8 in [0, 255]; stored as PNG. */
  addImage(tag: string, imgTensor: Values, globalStep?: number, walltime?: number, dataformats: DataFormats = 'CHW'): void {
    if (!['CHW', 'HWC', 'HW', 'WH'].includes(dataformats)) throw new RangeError(`dataformats must be CHW, HWC, HW or WH, got ${describe(dataformats)}`);
    this.#add([imageValue(checkTag(tag), toHWC(imgTensor, dataformats))], checkStep(globalStep), walltime);
  }

  /** A batch of images (NCHW default, or NHWC) as one grid of 8 columns, as PyTorch's make_grid lays them. */
  addImages(tag: string, imgTensor: Values, globalStep?: number, walltime?: number, dataformats: 'NCHW' | 'NHWC' = 'NCHW'): void {
    if (!['NCHW', 'NHWC'].includes(dataformats)) throw new RangeError(`dataformats must be NCHW or NHWC, got ${describe(dataformats)}`);
    this.#add([imageValue(checkTag(tag), toHWC(imgTensor, dataformats))], checkStep(globalStep), walltime);
  }

  /** A histogram of the values; bins 'tensorflow' (default, TensorBoard's buckets), a count, or edges. */
  addHistogram(tag: string, values: Values, globalStep?: number, bins: Bins = 'tensorflow', walltime?: number, maxBins?: number): void {
    const mb = maxBins === undefined ? undefined : checkInt(maxBins, 'maxBins', 1);
    this.#add([histogramValue(checkTag(tag), histogramProto(values, bins, mb))], checkStep(globalStep), walltime);
  }

  addText(tag: string, textString: string, globalStep?: number, walltime?: number): void {
    if (typeof textString !== 'string') throw new TypeError(`textString must be a string, got ${describe(textString)}`);
    this.#add([textValue(checkTag(tag), textString)], checkStep(globalStep), walltime);
  }

  /**
   * Settings and final metrics for TensorBoard's HPARAMS tab, in a sub-run <logDir>/<runName>
   * (default: the time in seconds, as PyTorch), with the metrics as scalars there.
   */
  async addHparams(hparamDict: Record<string, HParamValue>, metricDict: Record<string, number>, hparamDomainDiscrete?: Record<string, readonly HParamValue[]>, runName?: string): Promise<void> {
    for (const [name, v] of [['hparamDict', hparamDict], ['metricDict', metricDict]] as const)
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${name} must be an object, got ${describe(v)}`);
    for (const [k, v] of Object.entries(metricDict)) if (typeof v !== 'number') throw new TypeError(`metricDict.${k} must be a number, got ${describe(v)}`);
    if (runName !== undefined && (typeof runName !== 'string' || !runName || runName.includes('..'))) throw new TypeError(`runName must be a non-empty folder name, got ${describe(runName)}`);
    const values = hparamsValues(hparamDict, metricDict, hparamDomainDiscrete);
    this.#main();
    const w = new EventFileWriter(path.join(this.#logDir, runName ?? String(Date.now() / 1000)), this.#opts, this.#onError);
    for (const v of values) w.add({ wallTime: Date.now() / 1000, summary: { value: [v] } });
    for (const [k, v] of Object.entries(metricDict)) w.add({ wallTime: Date.now() / 1000, summary: { value: [scalarValue(k, v)] } });
    await w.close();
  }

  /** Resolves once every event added so far is in its file. */
  async flush(): Promise<void> {
    await Promise.all([this.#main().flush(), ...[...this.#subWriters.values()].map((w) => w.flush())]);
  }

  /** Writes what is queued and closes the files; later adds throw. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...(this.#writer ? [this.#writer] : []), ...this.#subWriters.values()];
    this.#writer = undefined;
    await Promise.all(all.map((w) => w.close()));
  }
}
