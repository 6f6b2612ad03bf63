// Issue 22's cases for the misuse harness (bench/misuse.js): values a dtype, a density or a sampler
// cannot take, settings the CLI would refuse, .grad accounting, shared storages, dict keys, special
// files; and, through the command line, stray words, --nproc, SIGTERM, a killed launcher, a frozen rank.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Adds the in-process cases; `add(name, run, expect)` as in misuse.js, UNDER_TEST the checkout tried. */
function issue22Cases(add, UNDER_TEST) {
  const error = 'error';
  for (const [v, dtype] of [[1e20, 'int64'], [2 ** 63, 'int64'], [300, 'uint8'], [-1.5, 'uint8'], [128, 'int8'], [2 ** 31, 'int32'], [NaN, 'int64'], [-Infinity, 'int16']]) {
    add(`tensor([${v}], { dtype: ${dtype} })`, (t) => t.tensor([v], { dtype }), error);
    add(`fromTypedArray(Float64Array [${v}], ${dtype})`, (t) => t.fromTypedArray(Float64Array.of(v), [1], { dtype }), error);
  }
  add('tensor([-1], uint8) wraps to 255 as in PyTorch', (t) => t.tensor([-1], { dtype: 'uint8' }).item(), (v) => v === 255);
  add('item() of int64 2^62 + 1', (t) => t.fromTypedArray(BigInt64Array.of(2n ** 62n + 1n)).item(), error);
  for (const v of [[0.5, 0.5, 0], [2, 0, 0], [0, 0, 0], [1, 1, 0]])
    add(`OneHotCategorical.logProb(${JSON.stringify(v)})`, (t) => new t.distributions.OneHotCategorical({ logits: t.zeros([3]) }).logProb(t.tensor(v)), error);
  for (const v of [0.5, 2, NaN]) add(`Bernoulli.logProb(${v})`, (t) => new t.distributions.Bernoulli({ probs: t.tensor([0.3]) }).logProb(t.tensor([v])), error);
  add('gumbelFromUniform eps -1', (t) => t.gumbelFromUniform(t.rand([3]), { formula: 'seed', eps: -1 }), error);
  add('Adam.step() after a parameter was disposed', (t) => { const p = t.zeros([2]).requiresGrad_(); const o = new t.optim.Adam([p]); p.dispose(); o.step(); }, error);
  for (const cfg of [{ epoch: 3 }, { epochs: -1 }, { epochs: 1.5 }, { logEvery: 0 }, { out: '' }, { lr: -1 }, { device: 'gpu' }]) {
    add(`new Trainer(${JSON.stringify(cfg)})`, (t) => new t.Trainer(cfg), error);
    add(`trainInWorker(${JSON.stringify(cfg)})`, (t) => t.trainInWorker(cfg), error);
  }
  add('.grad read 10000 times: one live tensor', (t) => { const w = t.ones([100]).requiresGrad_(); w.sum().backward(); const a = t.memory().liveTensors; for (let i = 0; i < 10000; i++) void w.grad; return t.memory().liveTensors - a; }, (n) => n <= 1);
  add('save/load keeps views of one storage shared', (t) => { const b = t.zeros([6]); const l = t.deserialize(t.serialize({ a: b.view(2, 3), b: b.narrow(0, 3, 3) })); l.a.add_(1); return l.b.sum().item(); }, (v) => v === 3);
  add('save: lone surrogate in a key', (t) => t.serialize({ ['\ud800']: 1 }), error);
  add('save: symbol key', (t) => t.serialize({ [Symbol('s')]: 1 }), error);
  add('save: array with an extra property', (t) => t.serialize(Object.assign([1], { x: 2 })), error);
  add('save: sparse array of length 2^32 - 1', (t) => { const a = []; a.length = 2 ** 32 - 1; return t.serialize(a); }, error);
  const zipOf = (pkl) => { const { writeZip } = require(path.join(UNDER_TEST, 'dist', 'serialize', 'zip.js')); return Buffer.concat(writeZip([{ name: 'a/data.pkl', data: Buffer.from(pkl) }])); };
  add('load: dict with keys True and 1 is one key', (t) => t.deserialize(zipOf([0x80, 2, 0x7d, 0x28, 0x88, 0x4b, 1, 0x4b, 1, 0x4b, 2, 0x75, 0x2e])), (d) => JSON.stringify(d) === '{"true":2}');
  add('load: BUILD on a plain dict', (t) => t.deserialize(zipOf([0x80, 2, 0x7d, 0x7d, 0x62, 0x2e])), error);
  add('load: FRAME longer than the data', (t) => t.deserialize(zipOf([0x80, 4, 0x95, 99, 0, 0, 0, 0, 0, 0, 0, 0x4b, 1, 0x2e])), error);
  const special = (kind) => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gt-misuse-')), kind);
    if (kind === 'zero' && spawnSync('mknod', [f, 'c', '1', '5']).status === 0) return f;
    if (kind === 'null' && spawnSync('mknod', [f, 'c', '1', '3']).status === 0) return f;
    spawnSync('mkfifo', [f]);
    return f;
  };
  for (const kind of ['fifo', 'zero']) add(`load a ${kind === 'zero' ? 'copy of /dev/zero' : 'FIFO'}`, (t) => t.load(special(kind)), error);
  for (const kind of ['fifo', 'null'])
    add(`save onto a ${kind === 'null' ? 'copy of /dev/null' : 'FIFO'}: refused, kept`, (t) => { const f = special(kind); try { t.save(t.ones([1]), f); } catch { const st = fs.lstatSync(f); return st.isFIFO() || st.isCharacterDevice(); } return false; }, (kept) => kept === true);
}

/** The command-line cases: stray words, --nproc, SIGTERM, a killed launcher, a frozen rank. */
async function signalCases(UNDER_TEST) {
  const cli = path.join(UNDER_TEST, 'dist', 'cli', 'main.js');
  const results = [];
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-misuse-sig-'));
  const rc = (args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60000 });
  const stray = rc(['train', '5', '--epochs', '1', '--limit', '100', '--out', tmp()]);
  results.push({ name: 'train 5 --epochs 1 (stray word)', outcome: stray.status === 1 && /too many arguments/.test(stray.stderr) ? 'clean error' : stray.status === null ? 'hang' : 'silently wrong', detail: stray.stderr.slice(0, 160) });
  // Workers a launcher started (found by the variable it gives them), killed when a case ends: a
  // build without the bound or without parent-death signals would leave them running.
  const reapWorkersOf = (launcher) => {
    for (const d of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        if (fs.readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`GUMBEL_TORCH_LAUNCHER=${launcher}`)) process.kill(Number(d), 'SIGKILL');
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  };
  const many = spawnSync(process.execPath, [cli, 'train', '--nproc', '100000'], { encoding: 'utf8', timeout: 20000, killSignal: 'SIGKILL' });
  reapWorkersOf(many.pid);
  results.push({ name: 'train --nproc 100000', outcome: many.status === 1 && /at most \d+/.test(many.stderr) && !/workers:/.test(many.stderr) ? 'clean error' : 'silently wrong', detail: many.stderr.slice(0, 160) });
  const job = (args) => {
    const c = spawn(process.execPath, [cli, ...args], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let text = '';
    c.stdout.on('data', (d) => (text += d));
    c.stderr.on('data', (d) => (text += d));
    const exited = new Promise((r) => c.on('exit', (code) => r(code)));
    const saw = async (re, ms) => { for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) if (re.test(text)) return true; return false; };
    return { c, text: () => text, exited, saw };
  };
  const alive = (pid) => { try { return !/ Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, '')); } catch { return false; } };
  const pidsOf = (text) => [...text.matchAll(/rank \d+ pid (\d+)/g)].map((m) => Number(m[1]));
  const kill = (pids) => pids.forEach((p) => { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });
  const train = ['--epochs', '1', '--limit', '2000', '--batch-size', '20', '--device', 'cpu', '--log-every', '1'];
  // SIGTERM acts as Ctrl-C (single process, then a launcher of 2).
  for (const nproc of [[], ['--nproc', '2']]) {
    const out = tmp();
    const j = job(['train', ...nproc, ...train, '--out', out]);
    const started = await j.saw(/epoch 1 step \d+\//, 120000);
    j.c.kill('SIGTERM');
    const code = await j.exited;
    const ok = started && code === 0 && fs.existsSync(path.join(out, 'checkpoint.pt')) && /Stopped early/.test(j.text());
    kill(pidsOf(j.text()));
    reapWorkersOf(j.c.pid);
    results.push({ name: `SIGTERM to train${nproc.length ? ' --nproc 2' : ''}: checkpoint`, outcome: ok ? 'correct result' : 'data lost', detail: `rc ${code}` });
  }
  // A launcher killed while its workers wait in the rendezvous (node 0 of 2): they must go with it.
  {
    const j = job(['train', '--nproc', '2', '--nnodes', '2', '--master-port', String(20000 + (process.pid % 20000)), ...train, '--out', tmp()]);
    await j.saw(/workers: rank 0 pid \d+, rank 1 pid \d+/, 60000);
    const pids = pidsOf(j.text());
    await new Promise((r) => setTimeout(r, 2000));
    j.c.kill('SIGKILL');
    let orphans = pids.length;
    for (const t0 = Date.now(); Date.now() - t0 < 15000 && orphans; await new Promise((r) => setTimeout(r, 200))) orphans = pids.filter(alive).length;
    kill(pids);
    reapWorkersOf(j.c.pid);
    results.push({ name: 'SIGKILLed launcher before the group formed: workers gone', outcome: pids.length === 2 && !orphans ? 'correct result' : 'hang', detail: `${orphans} orphan(s) after 15 s` });
  }
  // A frozen (SIGSTOPped) rank is named by the heartbeat within seconds.
  {
    const j = job(['train', '--nproc', '2', ...train, '--out', tmp()]);
    await j.saw(/epoch 1 step \d+\//, 120000);
    const pids = pidsOf(j.text());
    if (pids[1]) process.kill(pids[1], 'SIGSTOP');
    const named = await j.saw(/rank 1 stopped responding/, 30000);
    kill(pids);
    j.c.kill('SIGKILL');
    reapWorkersOf(j.c.pid);
    results.push({ name: 'SIGSTOPped rank 1: named within 30 s', outcome: named ? 'clean error' : 'hang', detail: named ? '' : 'not named in 30 s' });
  }
  return results;
}

module.exports = { issue22Cases, signalCases };
