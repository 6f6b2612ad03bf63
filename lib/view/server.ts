// The run page's HTTP server: a fixed set of assets, and JSON/PNG from the runs by id and tag. No
// request names a file: a run is a number, an asset is one of a fixed list, so nothing outside the run
// folders (or the package's assets) can be read through it.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { RunSet } from './runs';

export interface ViewOptions {
  host?: string;
  port?: number;
  /** Points per curve at most (downsampled on the server). */
  points?: number;
  /** Seconds between re-reads of the run folders. */
  refreshSecs?: number;
}

const ASSETS: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/view.js': ['view.js', 'text/javascript; charset=utf-8'],
  '/view.css': ['view.css', 'text/css; charset=utf-8'],
};

function assetDir(): string {
  for (const d of [path.join(__dirname, 'assets'), path.resolve(__dirname, '../../lib/view/assets')]) if (fs.existsSync(path.join(d, 'index.html'))) return d;
  throw new Error(`gumbel-torch view: the page's files are missing (looked in ${__dirname}/assets and lib/view/assets of the package)`);
}

export interface ViewServer {
  url: string;
  close(): Promise<void>;
}

export async function startViewServer(roots: readonly string[], opts: ViewOptions = {}): Promise<ViewServer> {
  const dir = assetDir();
  const runs = new RunSet(roots);
  const maxPoints = opts.points ?? 1000;
  const refreshMs = Math.max(50, (opts.refreshSecs ?? 1) * 1000);
  // The runs are read in the background, 1 MiB at a time with requests answered in between, so
  // the page is up at once and long runs fill in; then, every refreshMs, what the files gained.
  const BUDGET = 1 << 20;
  let pumping = false;
  let closed = false;
  const pump = async (): Promise<void> => {
    if (pumping || closed) return;
    pumping = true;
    try {
      runs.discover();
      while (runs.refresh(BUDGET) && !closed) await new Promise((r) => setImmediate(r));
    } catch (e) {
      process.stderr.write(`gumbel-torch view: ${(e as Error).message}\n`);
    } finally {
      pumping = false;
    }
  };
  runs.discover();
  void pump();
  const timer = setInterval(() => void pump(), refreshMs);

  const send = (res: http.ServerResponse, code: number, type: string, body: string | Buffer): void => {
    res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'" });
    res.end(body);
  };
  const json = (res: http.ServerResponse, v: unknown, code = 200): void => send(res, code, 'application/json; charset=utf-8', JSON.stringify(v));

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'only GET\n');
    const asset = ASSETS[url.pathname];
    if (asset) return send(res, 200, asset[1], fs.readFileSync(path.join(dir, asset[0])));
    if (!url.pathname.startsWith('/api/')) return send(res, 404, 'text/plain', 'not found\n');
    const q = url.searchParams;
    const run = (): ReturnType<RunSet['byId']> => {
      const id = Number(q.get('run'));
      return Number.isSafeInteger(id) && id >= 0 ? runs.byId(id) : undefined;
    };
    switch (url.pathname) {
      case '/api/runs':
        return json(res, { runs: runs.list().map((r) => r.summary()), time: Date.now() / 1000 });
      case '/api/scalars': {
        // ?tag=T&points=N&known=id:version,...: the runs whose data changed since the page's versions.
        const tag = q.get('tag') ?? '';
        const points = Math.max(3, Math.min(maxPoints, Number(q.get('points')) || maxPoints));
        const known = new Map((q.get('known') ?? '').split(',').filter(Boolean).map((kv) => kv.split(':').map(Number) as [number, number]));
        const out = runs.list().filter((r) => r.summary().scalarTags.includes(tag) && known.get(r.id) !== r.version).map((r) => ({ id: r.id, version: r.version, ...r.scalars(tag, points) }));
        return json(res, { tag, runs: out });
      }
      case '/api/images': {
        const r = run();
        if (!r) return json(res, { error: 'no such run' }, 404);
        const tag = q.get('tag') ?? '';
        return json(res, { run: r.id, tag, images: r.images(tag).map((p, index) => ({ index, step: p.step, width: p.width, height: p.height })) });
      }
      case '/api/histograms': {
        const r = run();
        if (!r) return json(res, { error: 'no such run' }, 404);
        const tag = q.get('tag') ?? '';
        return json(res, { run: r.id, tag, histograms: r.histograms(tag).map(({ step, min, max, num, bucketLimit, bucket }) => ({ step, min, max, num, bucketLimit, bucket })) });
      }
      case '/api/image': {
        const r = run();
        const img = r?.images(q.get('tag') ?? '')[Number(q.get('index'))];
        if (!img) return send(res, 404, 'text/plain', 'no such image\n');
        return send(res, 200, 'image/png', Buffer.from(img.png.buffer, img.png.byteOffset, img.png.byteLength));
      }
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  };

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // A run folder changing under a read must not take the page down.
      if (!res.headersSent) json(res, { error: (e as Error).message }, 500);
      else res.end();
    }
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `gumbel-torch view: port ${opts.port} on ${host} is in use (pass --port 0 for any free port)` : `gumbel-torch view: cannot listen on ${host}:${opts.port}: ${e.message}`)));
    server.listen(opts.port ?? 6006, host, resolve);
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
