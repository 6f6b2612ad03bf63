// Shared test helpers: fixtures written by scripts/make_fixtures.py (real PyTorch) and comparisons.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as torch from '../lib';

export interface Enc {
  shape: number[];
  dtype: torch.DType;
  values: (number | boolean | string)[];
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')) as T;
}

export function decode(e: Enc, device: torch.Device = 'cpu'): torch.Tensor {
  const vals = e.values.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
  if (e.dtype === 'bool') return torch.tensor(vals.length ? (reshape(vals as boolean[], e.shape) as torch.NestedArray) : [], { device }).reshape(...e.shape);
  if (e.dtype === 'int64') return torch.fromTypedArray(BigInt64Array.from(vals as number[], (v) => BigInt(v)), e.shape, { device });
  const arr = e.dtype === 'float64' ? Float64Array.from(vals as number[]) : Float32Array.from(vals as number[]);
  return torch.fromTypedArray(arr, e.shape, { device });
}

function reshape(flat: boolean[], shape: number[]): unknown {
  if (shape.length <= 1) return flat;
  const n = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => reshape(flat.slice(i * n, (i + 1) * n), shape.slice(1)));
}

/** Max |a - b| (NaN if shapes differ or NaN appears where the other has none). */
export function maxAbsDiff(actual: torch.Tensor, expected: Enc | torch.Tensor): number {
  const exp = expected instanceof torch.Tensor ? expected : decode(expected);
  const a = actual.shape;
  const b = exp.shape;
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) throw new Error(`shape [${a}] != expected [${b}]`);
  const x = Array.from(actual.data(), Number);
  const y = Array.from(exp.data(), Number);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue; // equal infinities too
    const d = Math.abs(x[i] - y[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export function expectClose(actual: torch.Tensor, expected: Enc | torch.Tensor, tol: number): void {
  const d = maxAbsDiff(actual, expected);
  if (!(d <= tol)) throw new Error(`max |diff| ${d} > ${tol}`);
}

export const cudaAvailable = torch.cuda.isAvailable();
/** CUDA tests run on the GPU machine and skip elsewhere with a visible reason. */
export const describeCuda = cudaAvailable ? describe : (name: string, fn: () => void) => describe.skip(`${name} [skipped: no CUDA device]`, fn);

export interface GCase { dtype: string; dim: number; tau: number; hard: boolean; logits: Enc; noise: Enc; w: Enc; y: Enc; grad: Enc }

/** Runs one Gumbel-Softmax fixture case on a device; returns max |diff| of values and gradients. */
export function runGumbelCase(c: GCase, device: torch.Device = 'cpu'): { y: number; grad: number; oneHot: boolean } {
  return torch.scope(() => {
    const logits = decode(c.logits, device).requiresGrad_();
    const y = torch.gumbelSoftmax(logits, { tau: c.tau, hard: c.hard, dim: c.dim, noise: decode(c.noise, device) });
    y.mul(decode(c.w, device)).sum().backward();
    let oneHot = true;
    if (c.hard) {
      // exactly one 1 per slice along dim, zeros elsewhere
      const ok = y.eq(0).add(y.eq(1)).all().item() === true && y.sum(c.dim).eq(1).all().item() === true;
      oneHot = ok;
    }
    return { y: maxAbsDiff(y.cpu(), c.y), grad: maxAbsDiff(logits.grad!.cpu(), c.grad), oneHot };
  });
}


/** Whether the LibTorch running now has the major.minor version that wrote a fixture. */
export function sameTorchVersion(fixtureTorch: string): boolean {
  const mm = (v: string): string => v.split('.').slice(0, 2).join('.');
  return mm(torch.diagnostics().torchVersion) === mm(fixtureTorch);
}

// ---- Live PyTorch references. Results through BLAS (matmul, linear, the VAE) round differently per
// CPU (OpenBLAS picks kernels per CPU; Adam amplifies that), so where this machine has a Python with
// torch, the reference is computed here, by the same script that wrote the committed fixture, and
// compared tightly; without it the tests compare what is portable and skip the rest visibly.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';

const PYTHON = process.env.GT_PYTHON ?? '/usr/bin/python3';

function probePythonTorch(): { version?: string; reason?: string } {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { reason: `${PYTHON} not runnable (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
  if (r.status !== 0) return { reason: `${PYTHON} cannot import torch` };
  return { version: r.stdout.trim() };
}
/** Whether a live PyTorch reference can run here, and why not. */
export const livePyTorch = probePythonTorch();

/** Runs scripts/<script> with the live PyTorch, writing into a fresh temporary folder; returns it. */
export function runLiveReference(script: string, args: string[] = []): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-live-'));
  const r = spawnSync(PYTHON, [path.join(__dirname, '..', 'scripts', script), ...args.map((a) => a.replace('$OUT', out))], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return out;
}

/** A test that cannot run here: skipped with its reason in the name and on stderr, never silently. */
export function skipVisibly(name: string, reason: string): void {
  process.stderr.write(`SKIPPED: ${name}: ${reason}\n`);
  test.skip(`${name} [skipped: ${reason}]`, () => undefined);
}

/**
 * Live tensors once earlier garbage is gone: jest runs every file in one process, so tensors dropped by
 * earlier files are freed by the GC backstop whenever a GC runs, which an async test's awaits allow.
 * Collecting (tests run with --expose-gc) and letting the cleanup run first makes a before/after count exact.
 */
export async function settledLiveTensors(): Promise<number> {
  // A forgotten tensor needs a turn to be registered with the GC backstop, a full GC, then a turn for the
  // cleanup task: run rounds until the count holds still for three of them (at most 40).
  let last = -1;
  let still = 0;
  for (let i = 0; i < 40 && still < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const now = torch.memory().liveTensors;
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return torch.memory().liveTensors;
}
