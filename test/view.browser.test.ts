/// <reference lib="dom" />
// gumbel-torch view in a real browser (Debian's chromium through playwright-core): the curves of a run
// that is still training grow on the page, a finished run is overlaid, pictures per epoch change with
// the slider, latent usage is drawn per epoch, settings stand side by side, broken run folders say
// what is wrong, nothing is fetched from anywhere but the server, and no path outside the run folders
// can be read.
// UPDATE_DOCS_SCREENSHOT=1 also writes the screenshot to docs/view.png (the README shows it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { startViewServer, type ViewServer } from '../lib/view/server';

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) process.stderr.write(`SKIPPED: view.browser.test.ts: no ${CHROMIUM} (apt-get install chromium)\n`);
const testBrowser = hasChromium ? test : (n: string, f: () => Promise<void>) => test.skip(`${n} [skipped: no ${CHROMIUM}; apt-get install chromium]`, f);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-view-'));
const runs = path.join(tmp, 'runs');
let live: ChildProcess | undefined;
let server: ViewServer | undefined;
afterAll(async () => {
  live?.kill('SIGKILL');
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const trainArgs = (out: string, ...extra: string[]): string[] => [cli, 'train', '--out', out, '--tensorboard', '--device', 'cpu', '--latents', '8', '--categories', '6', '--limit', '2000', ...extra];

testBrowser('live curves, overlay, smoothing and log scale, pictures with a slider, settings, broken runs, no way out', async () => {
  if (!fs.existsSync(cli)) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
  // A finished run, then one still training while the page is open.
  const done = spawnSync(process.execPath, trainArgs(path.join(runs, 'finished-hard'), '--epochs', '3', '--hard', '--log-every', '2'), { encoding: 'utf8' });
  expect(done.stderr).toBe('');
  const liveLog = path.join(tmp, 'live.log');
  live = spawn(process.execPath, trainArgs(path.join(runs, 'training-now'), '--epochs', '100', '--log-every', '1'), { stdio: ['ignore', 'ignore', fs.openSync(liveLog, 'w')] });
  live.on('exit', (code) => void (code && process.stderr.write(`the live run failed (${code}): ${fs.readFileSync(liveLog, 'utf8')}\n`)));
  // Broken folders: an event file of garbage, and a run folder deleted after the page saw it.
  fs.mkdirSync(path.join(runs, 'malformed', 'tb'), { recursive: true });
  fs.writeFileSync(path.join(runs, 'malformed', 'tb', 'events.out.tfevents.1.host'), Buffer.from('this is not a record file, it is 40 bytes'));
  fs.mkdirSync(path.join(runs, 'deleted', 'tb'), { recursive: true });
  fs.copyFileSync(path.join(runs, 'finished-hard', 'metrics.json'), path.join(runs, 'deleted', 'metrics.json'));

  server = await startViewServer([runs], { port: 0 });
  const url = server.url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const foreign: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(url) || foreign.push(r.url())));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    fs.rmSync(path.join(runs, 'deleted'), { recursive: true });

    const ids = async (): Promise<Record<string, string>> => page.$$eval('#runs tr[data-run]', (rows) => Object.fromEntries(rows.map((r) => [r.children[1].textContent ?? '', (r as HTMLElement).dataset.run ?? ''])));
    await page.waitForFunction(() => document.querySelectorAll('#runs tr[data-run]').length === 4, undefined, { timeout: 60_000 });
    const liveId = (await ids())['runs/training-now'];
    const lastStep = (): Promise<number> => page.$eval(`figure.chart[data-tag="loss/relaxed"] path.line[data-run="${liveId}"]`, (p) => Number(p.getAttribute('data-last-step'))).catch(() => 0);
    await page.waitForSelector(`figure.chart[data-tag="loss/relaxed"] path.line[data-run="${liveId}"]`, { state: 'attached', timeout: 60_000 });
    const first = await lastStep();
    // The live run's curve grows while the page is open.
    await page.waitForFunction(
      ([id, s]) => Number(document.querySelector(`figure.chart[data-tag="loss/relaxed"] path.line[data-run="${id}"]`)?.getAttribute('data-last-step')) > Number(s) + 5,
      [liveId, first],
      { timeout: 60_000, polling: 500 },
    );
    expect(await lastStep()).toBeGreaterThan(first);

    // Both runs overlaid on the same chart; the broken ones say what is wrong.
    expect(await page.$$eval('figure.chart[data-tag="loss/relaxed"] path.line', (ps) => ps.length)).toBe(2);
    const problems = await page.$$eval('#runs tr[data-run]', (rows) => Object.fromEntries(rows.map((r) => [r.children[1].textContent, [r.children[2].textContent, r.children[5].textContent]])));
    expect(problems['runs/malformed']).toEqual(['error', expect.stringMatching(/malformed event file: .*(bad|CRC|not a TensorBoard)/)]);
    expect(problems['runs/deleted']).toEqual(['error', expect.stringMatching(/does not exist|deleted/)]);
    expect(problems['runs/finished-hard']).toEqual(['ok', '']);

    // Smoothing and log scale redraw the curves (the smoothed path changes; raw stays drawn faintly).
    const d0 = await page.$eval('figure.chart[data-tag="loss/relaxed"] path.line', (p) => p.getAttribute('d'));
    await page.$eval('#smoothing', (e) => {
      (e as HTMLInputElement).value = '0';
      e.dispatchEvent(new Event('input'));
    });
    await page.click('#log-scale');
    expect(await page.$eval('figure.chart[data-tag="loss/relaxed"] path.line', (p) => p.getAttribute('d'))).not.toBe(d0);
    await page.click('#log-scale');
    await page.$eval('#smoothing', (e) => {
      (e as HTMLInputElement).value = '0.6';
      e.dispatchEvent(new Event('input'));
    });

    // Pictures per epoch: the finished run has 3; the slider shows epoch 1 and the image loads.
    const doneId = (await ids())['runs/finished-hard'];
    const card = `div.image-tag[data-tag="samples"] .image-card[data-run="${doneId}"]`;
    await page.waitForSelector(`${card} img[src]`, { timeout: 30_000 });
    expect(await page.$eval(`${card} .which`, (e) => e.textContent)).toBe('epoch 3 (3/3)');
    await page.$eval(`${card} input`, (e) => {
      (e as HTMLInputElement).value = '0';
      e.dispatchEvent(new Event('input'));
    });
    expect(await page.$eval(`${card} .which`, (e) => e.textContent)).toBe('epoch 1 (1/3)');
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 8 * 28, `${card} img`, { timeout: 30_000 });

    // Latent usage per epoch: bars for the categories the encoder picks (6 categories, 100 images x 8 latents).
    const hist = `div.hist-tag[data-tag="latent_usage"] .image-card[data-run="${doneId}"]`;
    await page.waitForSelector(`${hist} svg rect`, { state: 'attached', timeout: 30_000 });
    expect(await page.$eval(`${hist} .which`, (e) => e.textContent)).toBe('epoch 3 (3/3)');
    const bars = await page.$$eval(`${hist} svg rect title`, (ts) => ts.map((t) => Number(t.textContent?.split(': ')[1])));
    expect(bars.length).toBeLessThanOrEqual(6);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(800);

    // Settings side by side, the differing ones marked.
    const settings = await page.$$eval('#settings tr', (rows) => rows.map((r) => [r.className, ...Array.from(r.children, (c) => c.textContent?.trim())]));
    expect(settings.find((r) => r[1] === 'hard')).toEqual(['differs', 'hard', 'true', 'false']);
    expect(settings.find((r) => r[1] === 'latents')).toEqual(['', 'latents', '8', '8']);

    // Nothing but the server was asked for anything; no path leads outside the run folders.
    const status = (p: string): Promise<number> => page.evaluate(async (u) => (await fetch(u)).status, p);
    for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/api/image?run=../../etc&tag=samples&index=0', '/api/images?run=-1', '/api/image?run=0&tag=samples&index=99', '/view.js/../../package.json', '/lib/view/server.ts', '/api/runs/../../package.json'])
      expect([p, await status(p)]).toEqual([p, 404]);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);

    const shot = await page.screenshot({ fullPage: true });
    const png = PNG.sync.read(shot);
    expect(png.width).toBe(1400);
    // The two runs' colours (#1f77b4, #ff7f0e ... by run id) are on the page: the curves were drawn.
    const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
    const seen = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4)
      for (const c of colours) {
        const [r, g, b] = rgb(c);
        if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) seen.add(c);
      }
    expect(seen.has(colours[Number(liveId)])).toBe(true);
    expect(seen.has(colours[Number(doneId)])).toBe(true);
    if (process.env.UPDATE_DOCS_SCREENSHOT) fs.writeFileSync(path.join(root, 'docs', 'view.png'), shot);
  } finally {
    await browser.close();
  }
});
