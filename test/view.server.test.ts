// The run page's server without a browser: run discovery, what it says about broken folders, a record
// still being written, downsampling, and that no request reaches a file outside the run folders.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { startViewServer, type ViewServer } from '../lib/view/server';
import { lttb } from '../lib/view/downsample';
import { main } from '../lib/cli/main';

const { SummaryWriter } = torch.utils.tensorboard;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-view-srv-'));
let server: ViewServer | undefined;
afterAll(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface RunInfo {
  id: number;
  name: string;
  status: string;
  message?: string;
  version: number;
  loaded: number;
  lastStep?: number;
  scalarTags: string[];
  settings: Record<string, string>;
}
const get = async (p: string): Promise<{ status: number; body: string }> => {
  const r = await fetch(new URL(p, server?.url));
  return { status: r.status, body: await r.text() };
};
const runsNow = async (): Promise<Record<string, RunInfo>> => Object.fromEntries((JSON.parse((await get('/api/runs')).body) as { runs: RunInfo[] }).runs.map((r) => [r.name, r]));
/** Waits for the server's background reads to catch up with a condition. */
async function until(cond: (runs: Record<string, RunInfo>) => boolean): Promise<Record<string, RunInfo>> {
  for (let i = 0; i < 200; i++) {
    const runs = await runsNow();
    if (cond(runs)) return runs;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out; runs: ${JSON.stringify(await runsNow())}`);
}

test('runs, broken folders in words, a half-written record, downsampled curves, no way out', async () => {
  const root = path.join(tmp, 'runs');
  const w = new SummaryWriter(path.join(root, 'good', 'tb'));
  w.addText('config', '| setting | value |\n| --- | --- |\n| lr | 0.001 |', 0);
  for (let s = 1; s <= 5000; s++) w.addScalar('loss', 100 / s + (s % 7), s);
  await w.close();
  fs.mkdirSync(path.join(root, 'no-events'));
  fs.writeFileSync(path.join(root, 'no-events', 'metrics.json'), '[]');
  fs.mkdirSync(path.join(root, 'malformed', 'tb'), { recursive: true });
  fs.writeFileSync(path.join(root, 'malformed', 'tb', 'events.out.tfevents.1.x'), Buffer.alloc(64, 7));
  // A record cut in the middle, as by a writer that has not finished (or was killed).
  const full = fs.readFileSync(w.file);
  fs.mkdirSync(path.join(root, 'half', 'tb'), { recursive: true });
  const halfFile = path.join(root, 'half', 'tb', path.basename(w.file));
  fs.writeFileSync(halfFile, full.subarray(0, full.length - 7));

  server = await startViewServer([root, path.join(tmp, 'missing')], { port: 0, refreshSecs: 0.05, points: 500 });
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  let runs = await until((r) => r['runs/good']?.lastStep === 5000 && r['runs/half']?.lastStep === 4999);
  expect(runs['runs/good']).toMatchObject({ status: 'ok', loaded: 1, scalarTags: ['loss'], settings: { lr: '0.001' } });
  expect(runs['runs/half'].status).toBe('ok'); // the cut record is waited for, not an error
  expect(runs['runs/no-events']).toMatchObject({ status: 'waiting', message: expect.stringMatching(/without --tensorboard/) });
  expect(runs['runs/malformed']).toMatchObject({ status: 'error', loaded: 1, message: expect.stringMatching(/malformed event file: .*bad length CRC at byte 0/) });
  expect(runs.missing).toMatchObject({ status: 'error', message: 'the folder does not exist' });
  // The rest of the record arrives: the last step appears.
  fs.writeFileSync(halfFile, full);
  runs = await until((r) => r['runs/half']?.lastStep === 5000);
  // A run folder deleted after it was read keeps its curves and says so.
  fs.rmSync(path.join(root, 'half'), { recursive: true });
  runs = await until((r) => r['runs/half']?.status === 'error');
  expect(runs['runs/half'].message).toMatch(/deleted/);

  const good = runs['runs/good'];
  const sc = JSON.parse((await get(`/api/scalars?tag=loss&points=100000`)).body) as { runs: { id: number; total: number; points: [number, number][]; version: number }[] };
  const g = sc.runs.find((r) => r.id === good.id);
  expect(g?.total).toBe(5000);
  expect(g?.points.length).toBe(500); // capped by the server's --points
  expect(g?.points[0]).toEqual([1, Math.fround(101)]);
  expect(g?.points[499][0]).toBe(5000);
  // Nothing new for a run whose version the page has: not sent again.
  const again = JSON.parse((await get(`/api/scalars?tag=loss&known=${sc.runs.map((r) => `${r.id}:${r.version}`).join(',')}`)).body) as { runs: unknown[] };
  expect(again.runs).toEqual([]);

  for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/api/image?run=../../..&tag=x&index=0', '/api/images?run=1e9', '/api/images?run=abc', '/index.html', '/lib/view/assets/view.js', '/api/runs/../../../etc/passwd'])
    expect([p, (await get(p)).status]).toEqual([p, 404]);
  expect((await fetch(new URL('/api/runs', server.url), { method: 'POST' })).status).toBe(405);
  expect((await get('/')).body).toMatch(/<title>gumbel-torch runs<\/title>/);
  expect((await get('/view.js')).status).toBe(200);
});

test('LTTB keeps the ends and the peaks, and at most n points', () => {
  const n = 10000;
  const steps = Float64Array.from({ length: n }, (_, i) => i);
  const values = Float64Array.from({ length: n }, (_, i) => (i === 4321 ? 1000 : Math.sin(i / 100)));
  const d = lttb(steps, values, 200);
  expect(d.length).toBe(200);
  expect(d[0]).toEqual([0, 0]);
  expect(d[199]).toEqual([n - 1, Math.sin((n - 1) / 100)]);
  expect(d).toContainEqual([4321, 1000]);
  for (let i = 1; i < d.length; i++) expect(d[i][0]).toBeGreaterThan(d[i - 1][0]);
  expect(lttb(steps.subarray(0, 50), values.subarray(0, 50), 200).length).toBe(50);
});

test('the view command checks its options', async () => {
  const err: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
    throw new Error(`exit ${code}`);
  }) as never);
  try {
    await expect(main(['node', 'gumbel-torch', 'view', '--port', 'x'])).rejects.toThrow(/exit 1/);
    await expect(main(['node', 'gumbel-torch', 'view', '--points', '5'])).rejects.toThrow(/exit 1/);
    await expect(main(['node', 'gumbel-torch', 'view', '--prot', '1'])).rejects.toThrow(/exit 1/);
  } finally {
    process.stderr.write = write;
    exit.mockRestore();
  }
  expect(err.join('')).toMatch(/port must be an integer from 0/);
  expect(err.join('')).toMatch(/points must be an integer from 10/);
  expect(err.join('')).toMatch(/unknown option '--prot'[\s\S]*Did you mean --port\?/);
});

test('the package ships the .proto files and the page, where the code running from dist/ finds them', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' });
  expect(r.status).toBe(0);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const name of ['event', 'summary', 'histogram', 'tensor', 'tensor_shape', 'types', 'resource_handle']) expect(files).toContain(`lib/utils/tensorboard/proto/tensorboard/compat/proto/${name}.proto`);
  for (const name of ['api', 'plugin_data']) expect(files).toContain(`lib/utils/tensorboard/proto/tensorboard/plugins/hparams/${name}.proto`);
  for (const name of ['index.html', 'view.js', 'view.css']) expect(files).toContain(`lib/view/assets/${name}`);
});
