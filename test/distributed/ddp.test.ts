// DistributedDataParallel between real processes over Gloo: the same training as one process with
// the whole batch, gradients equal to all-reduced references, and no hang when a rank dies.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { maxAbsDiff } from '../helpers';
import { Ended, lastJson, requireDist, start, startJob, worker } from './ranks';

const gloo = torch.distributed.availableBackends().gloo;
const describeGloo = gloo ? describe : (n: string, f: () => void) => describe.skip(`${n} [skipped: built without gloo; apt-get install libgloo-dev and rebuild]`, f);
const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-ddp-'));
const ok = (e: Ended): Ended => {
  if (e.code !== 0) throw new Error(`rank ${e.rank} exited with ${e.code ?? e.signal}: ${e.stderr}`);
  return e;
};

beforeAll(requireDist);

describeGloo('2 processes with batch 50 each equal 1 process with batch 100', () => {
  const single = tmpdir();
  const pair = tmpdir();
  beforeAll(async () => {
    // Same samples (DistributedSampler, seed 7) and the same noise per sample; rank 1 starts from
    // other weights, so the broadcast of rank 0's is part of what is checked.
    const one = start(0, worker('train'), [single, '50', '100'], {});
    const two = await startJob(2, worker('train'), [pair, '50', '50']);
    await Promise.all([one.ended, ...two.map((r) => r.ended)].map((p) => p.then(ok)));
  }, 300000);
  test('losses of 50 steps agree to 1e-6 (relative)', () => {
    const a = JSON.parse(fs.readFileSync(path.join(single, 'losses.json'), 'utf8')) as number[];
    const b = JSON.parse(fs.readFileSync(path.join(pair, 'losses.json'), 'utf8')) as number[];
    expect(a).toHaveLength(50);
    expect(b).toHaveLength(50);
    const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(v)));
    process.stdout.write(`largest relative loss difference over 50 steps: ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThan(1e-6);
    expect(a[49]).toBeLessThan(a[0] - 50); // it trained
  });
  test('weights after 50 steps agree to 1e-6', () => {
    const wa = torch.load(path.join(single, 'weights.pt')) as Record<string, torch.Tensor>;
    const wb = torch.load(path.join(pair, 'weights.pt')) as Record<string, torch.Tensor>;
    expect(Object.keys(wb).sort()).toEqual(Object.keys(wa).sort());
    let worst = 0;
    for (const k of Object.keys(wa)) worst = Math.max(worst, maxAbsDiff(wb[k], wa[k]));
    process.stdout.write(`largest weight difference after 50 steps: ${worst.toExponential(2)}\n`);
    expect(worst).toBeLessThan(1e-6);
  });
});

describeGloo('gradients', () => {
  test('equal the all-reduced average of local gradients: plain, accumulated under noSync, many buckets, unused parameters', async () => {
    const ended = await Promise.all((await startJob(2, worker('grads'))).map((r) => r.ended.then(ok)));
    for (const e of ended) {
      const r = lastJson<Record<string, number | boolean | null>>(e.stdout);
      expect(r.buckets).toBeGreaterThan(2);
      expect(r.weightsDiff).toBe(0);
      expect(r.plainDiff).toBeLessThan(1e-6);
      expect(r.accumulatedDiff).toBeLessThan(1e-6);
      expect(r.loopDiff).toBeLessThan(1e-6);
      expect(r.spareGrad).toBe(0);
      expect(r.afterDisposeDiffersFromAvg).toBe(true);
    }
  }, 120000);
});

describeGloo('a rank that dies', () => {
  test('killed mid-run: the others exit within seconds with an error naming it', async () => {
    const ranks = await startJob(3, worker('train'), [tmpdir(), '100000', '20', '5']);
    await Promise.all(ranks.map((r) => r.printed('step 10\n')));
    ranks[1].child.kill('SIGKILL');
    const t0 = Date.now();
    const [r0, , r2] = await Promise.all(ranks.map((r) => r.ended));
    const waited = Date.now() - t0;
    process.stdout.write(`survivors exited ${waited} ms after the kill\n`);
    for (const e of [r0, r2]) {
      expect(e.code).not.toBe(0);
      expect(e.stderr).toMatch(/failed on rank [02]: rank 1 stopped responding \(no heartbeat for 2 s: killed or crashed\)/);
    }
    expect(waited).toBeLessThan(20000);
  }, 120000);
  test('rank 0 (the rendezvous store) killed: the others say so', async () => {
    const ranks = await startJob(2, worker('train'), [tmpdir(), '100000', '20', '5']);
    await Promise.all(ranks.map((r) => r.printed('step 10\n')));
    ranks[0].child.kill('SIGKILL');
    const r1 = await ranks[1].ended;
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toMatch(/failed on rank 1: rank 0, which hosts the rendezvous store at 127\.0\.0\.1:\d+, is gone/);
  }, 120000);
});
