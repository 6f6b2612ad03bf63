// Loss curves as SVG with Vega-Lite (rendered headless by Vega, no canvas needed).
import * as fs from 'node:fs';
import { EpochMetrics } from '../train/config';

// vega and vega-lite are ES modules; load them with a real dynamic import from CommonJS.
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<Record<string, unknown>>;

export async function writeLossPlot(file: string, metrics: EpochMetrics[], reference?: { label: string; values: number[] }): Promise<void> {
  const vega = (await importEsm('vega')) as unknown as {
    View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string> };
    parse(spec: unknown): unknown;
  };
  const vl = (await importEsm('vega-lite')) as unknown as { compile(spec: unknown): { spec: unknown } };
  const values = metrics.flatMap((m) => [
    { epoch: m.epoch, loss: m.relaxed, series: 'train (relaxed)' },
    { epoch: m.epoch, loss: m.unrelaxed, series: 'train (unrelaxed)' },
    { epoch: m.epoch, loss: m.test, series: 'test (evaluate mode)' },
  ]);
  if (reference) reference.values.forEach((v, i) => values.push({ epoch: i + 1, loss: v, series: reference.label }));
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Categorical VAE on MNIST: loss per epoch',
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', scale: { zero: false }, title: 'loss (nats)' },
      color: { field: 'series', type: 'nominal', legend: { labelLimit: 400 } },
    },
  }).spec;
  const svg = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
  fs.writeFileSync(file, svg);
}
