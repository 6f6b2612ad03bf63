#!/usr/bin/env node
// gumbel-torch view with many long runs: 20 runs x 100,000 steps (loss/relaxed and tau every step,
// as train --tensorboard --log-every 1 writes them). Measures the server (first read of all files,
// a curve request for all runs, the same when nothing changed, after one run grows) and the page
// in headless Chromium (until all 20 curves are drawn; a redraw when smoothing changes).
// Usage: node bench/view.js [runs=20] [steps=100000] [points=600]   (needs dist/: npm run build:ts)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { table } = require('./common');
const { SummaryWriter } = require('../dist/utils/tensorboard');
const { startViewServer } = require('../dist/view/server');

const [nRuns = 20, nSteps = 100000, points = 600] = process.argv.slice(2).map(Number);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function writeRuns(dir) {
  for (let r = 0; r < nRuns; r++) {
    const w = new SummaryWriter(path.join(dir, `run${String(r).padStart(2, '0')}`, 'tb'), { maxQueue: 5000 });
    w.addText('config', `| setting | value |\n| --- | --- |\n| lr | ${0.001 * (1 + r)} |\n| seed | ${r} |`, 0);
    for (let s = 1; s <= nSteps; s++) {
      w.addScalar('loss/relaxed', 100 + 400 * Math.exp(-s / (2000 + 100 * r)) + 5 * Math.sin(s / 50), s);
      w.addScalar('tau', Math.max(0.5, Math.exp(-s * 1e-5)), s);
    }
    await w.close();
  }
}

async function get(url) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return { ms: ms(t0), bytes: body.length, json: () => JSON.parse(body.toString('utf8')) };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-view-'));
  const rows = [];
  try {
    let t0 = process.hrtime.bigint();
    await writeRuns(dir);
    const bytes = fs.readdirSync(dir).reduce((s, r) => s + fs.readdirSync(path.join(dir, r, 'tb')).reduce((a, f) => a + fs.statSync(path.join(dir, r, 'tb', f)).size, 0), 0);
    rows.push(['write the event files (SummaryWriter)', ms(t0), `${(bytes / 2 ** 20).toFixed(0)} MiB, ${nRuns * nSteps * 2} events`]);
    t0 = process.hrtime.bigint();
    const server = await startViewServer([dir], { port: 0, refreshSecs: 0.2 });
    rows.push(['server start (reading goes on in the background)', ms(t0), '']);
    // While the runs are read: how long the page's requests wait.
    const waits = [];
    for (;;) {
      const r = await get(`${server.url}api/runs`);
      waits.push(r.ms);
      if (r.json().runs.length === nRuns && r.json().runs.every((x) => x.loaded === 1)) break;
    }
    rows.push(['all runs read (first time)', ms(t0), `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`]);
    waits.sort((a, b) => a - b);
    const pct = (p) => waits[Math.min(waits.length - 1, Math.floor(p * waits.length))];
    rows.push(['runs-list requests while reading: median', pct(0.5), `${waits.length} requests; 90th percentile ${pct(0.9).toFixed(0)} ms, slowest ${pct(1).toFixed(0)} ms`]);
    const q = `${server.url}api/scalars?tag=loss/relaxed&points=${points}`;
    let r = await get(q);
    rows.push([`curve request, all ${nRuns} runs, first (downsampling)`, r.ms, `${(r.bytes / 1024).toFixed(0)} KiB, ${r.json().runs[0].points.length} of ${r.json().runs[0].total} points per run`]);
    r = await get(q);
    rows.push(['same request again (cached)', r.ms, `${(r.bytes / 1024).toFixed(0)} KiB`]);
    const known = r.json().runs.map((x) => `${x.id}:${x.version}`).join(',');
    r = await get(`${q}&known=${known}`);
    rows.push(['poll with nothing new (known versions)', r.ms, `${r.bytes} B`]);
    // One run goes on training: 1,000 more steps.
    const w = new SummaryWriter(path.join(dir, 'run00', 'tb'));
    for (let s = nSteps + 1; s <= nSteps + 1000; s++) w.addScalar('loss/relaxed', 100, s);
    await w.close();
    t0 = process.hrtime.bigint();
    while ((await get(`${server.url}api/runs`)).json().runs.find((x) => x.name.endsWith('run00')).lastStep !== nSteps + 1000) await new Promise((res) => setTimeout(res, 20));
    rows.push(['1,000 new steps of one run seen (incremental read, refresh every 0.2 s)', ms(t0), '']);
    r = await get(`${q}&known=${known}`);
    rows.push(['poll after one run grew', r.ms, `${(r.bytes / 1024).toFixed(0)} KiB (that run only)`]);

    if (fs.existsSync('/usr/bin/chromium')) {
      const { chromium } = require('playwright-core');
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      t0 = process.hrtime.bigint();
      await page.goto(server.url);
      await page.waitForFunction((n) => document.querySelectorAll('figure.chart[data-tag="loss/relaxed"] path.line').length === n && document.querySelectorAll('figure.chart[data-tag="tau"] path.line').length === n, nRuns, { timeout: 120000, polling: 50 });
      rows.push([`page: open until both charts show all ${nRuns} curves`, ms(t0), 'headless Chromium']);
      const redraw = await page.evaluate(() => {
        const el = document.getElementById('smoothing');
        const t = performance.now();
        el.value = '0.9';
        el.dispatchEvent(new Event('input'));
        return performance.now() - t;
      });
      rows.push(['page: redraw all charts on a smoothing change', redraw, 'in the page (performance.now)']);
      const tick = await page.evaluate(async () => {
        const t = performance.now();
        await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
        return performance.now() - t;
      });
      rows.push(['page: two animation frames while polling', tick, 'responsiveness']);
      await browser.close();
    }
    await server.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`gumbel-torch view, ${nRuns} runs x ${nSteps} steps, ${os.cpus().length} CPUs (${os.cpus()[0].model}), Node ${process.version}\n\n`);
  process.stdout.write(table(['what', 'ms', 'notes'], rows) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
