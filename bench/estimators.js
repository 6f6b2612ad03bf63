#!/usr/bin/env node
// Trains the Categorical VAE with each gradient estimator over latent x category configurations and
// seeds, for a short budget, and reports mean +- std of the final train -ELBO (evaluate-mode loss on
// the training batches), the test loss and the training time per epoch; writes a table and a plot.
//
// Usage: node bench/estimators.js [--epochs 1] [--limit 6000] [--seeds 2] [--configs 4x8,8x16,16x12,30x10]
//          [--estimators gumbel-softmax,st,...] [--temp 1] [--device cpu] [--out bench/results/estimators]
// (build first: npx tsc -p tsconfig.json). `exact` runs only where C^L <= 65536 (4x8).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const torch = require('../dist');
const { Trainer } = require('../dist/train/trainer');
const { SEED_DEFAULTS } = require('../dist/train/config');
const { writeBarPlot } = require('../dist/cli/bar-plot');
const { table } = require('./common');

const { values: a } = parseArgs({
  options: {
    epochs: { type: 'string', default: '1' },
    limit: { type: 'string', default: '6000' },
    seeds: { type: 'string', default: '2' },
    configs: { type: 'string', default: '4x8,8x16,16x12,30x10' },
    estimators: { type: 'string', default: torch.estimators.ESTIMATORS.join(',') },
    temp: { type: 'string', default: '1' },
    device: { type: 'string', default: torch.cuda.isAvailable() ? 'cuda' : 'cpu' },
    out: { type: 'string', default: path.join(__dirname, 'results', 'estimators') },
  },
});
const epochs = Number(a.epochs);
const limit = Number(a.limit);
const seeds = Number(a.seeds);
const temp = Number(a.temp);
const configs = a.configs.split(',').map((c) => c.split('x').map(Number));
const names = a.estimators.split(',');
for (const n of names) torch.estimators.checkEstimator(n);

const stat = (xs) => {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { m, sd };
};
const pm = ({ m, sd }) => (Number.isFinite(m) ? `${m.toFixed(2)} ± ${sd.toFixed(2)}` : 'n/a');

async function run(latents, categories, estimator, seed) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-bench-est-'));
  try {
    const r = await new Trainer({ ...SEED_DEFAULTS, latents, categories, estimator, seed, epochs, limit, temp, device: a.device, out, logEvery: 1000 }).run();
    r.model.dispose();
    const last = r.metrics[r.metrics.length - 1];
    return { train: last.unrelaxed, test: last.test, sPerEpoch: r.metrics.reduce((s, m) => s + m.trainSeconds, 0) / r.metrics.length, stopped: r.stopped };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

(async () => {
  const d = torch.diagnostics();
  const header = `Estimators on the Categorical VAE: ${epochs} epoch(s) on the first ${limit} MNIST training images, seeds 0..${seeds - 1}, tau ${temp}, Adam 1e-3, batch 100, device ${a.device} (LibTorch ${d.torchVersion}, ${torch.getNumThreads()} threads)`;
  console.log(header);
  const results = [];
  for (const [latents, categories] of configs) {
    for (const estimator of names) {
      if (estimator === 'exact' && categories ** latents > torch.estimators.MAX_CONFIGURATIONS) {
        results.push({ config: `${latents}x${categories}`, estimator, skipped: `C^L = ${categories}^${latents} too large` });
        continue;
      }
      const runs = [];
      for (let seed = 0; seed < seeds; seed++) runs.push(await run(latents, categories, estimator, seed));
      const row = { config: `${latents}x${categories}`, estimator, train: stat(runs.map((r) => r.train)), test: stat(runs.map((r) => r.test)), time: stat(runs.map((r) => r.sPerEpoch)), stopped: runs.map((r) => r.stopped) };
      results.push(row);
      console.log(`  ${row.config} ${estimator}: train -ELBO ${pm(row.train)}, test ${pm(row.test)}, ${pm(row.time)} s/epoch`);
    }
  }
  const rows = results.map((r) => (r.skipped ? [r.config, r.estimator, 'n/a', 'n/a', r.skipped] : [r.config, r.estimator, pm(r.train), pm(r.test), pm(r.time)]));
  const text = `${header}\n\n${table(['config (LxC)', 'estimator', 'train -ELBO', 'test loss', 's/epoch'], rows)}\n`;
  console.log('\n' + text);
  fs.mkdirSync(a.out, { recursive: true });
  fs.writeFileSync(path.join(a.out, `${a.device}.md`), text);
  fs.writeFileSync(path.join(a.out, `${a.device}.json`), JSON.stringify({ header, options: a, results }, null, 1) + '\n');
  await writeBarPlot(
    path.join(a.out, `${a.device}.svg`),
    `Test loss after ${epochs} epoch(s), mean ± std over ${seeds} seeds (${a.device})`,
    results.filter((r) => !r.skipped).map((r) => ({ x: r.estimator, facet: r.config, value: r.test.m, err: r.test.sd })),
    { order: names, yTitle: 'test loss (nats)' },
  );
  console.log(`wrote ${path.join(a.out, a.device)}.{md,json,svg}`);
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
