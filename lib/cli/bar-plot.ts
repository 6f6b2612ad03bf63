// Grouped bar charts as SVG with Vega-Lite (headless, no canvas): estimator comparisons.
import * as fs from 'node:fs';

const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<Record<string, unknown>>;

export interface Bar {
  /** x-axis category (e.g. the estimator). */
  x: string;
  /** one panel per facet (e.g. the metric or the configuration). */
  facet: string;
  value: number;
  /** Half-width of an error bar (e.g. one standard deviation), optional. */
  err?: number;
}

/** One bar panel per facet, each with its own y scale, side by side. */
export async function writeBarPlot(file: string, title: string, bars: Bar[], opts: { order?: string[]; yTitle?: string } = {}): Promise<void> {
  const vega = (await importEsm('vega')) as unknown as {
    View: new (runtime: unknown, o: { renderer: string }) => { toSVG(): Promise<string> };
    parse(spec: unknown): unknown;
  };
  const vl = (await importEsm('vega-lite')) as unknown as { compile(spec: unknown): { spec: unknown } };
  const values = bars.filter((b) => Number.isFinite(b.value)).map((b) => ({ ...b, lo: b.value - (b.err ?? 0), hi: b.value + (b.err ?? 0) }));
  const x = { field: 'x', type: 'nominal', sort: opts.order, title: null, axis: { labelAngle: -40 } };
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values },
    facet: { column: { field: 'facet', type: 'nominal', title: null, sort: [...new Set(bars.map((b) => b.facet))] } },
    spec: {
      width: 200,
      height: 220,
      layer: [
        { mark: 'bar', encoding: { x, y: { field: 'value', type: 'quantitative', title: opts.yTitle ?? null }, color: { field: 'x', type: 'nominal', legend: null, sort: opts.order } } },
        { mark: { type: 'rule', color: 'black' }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  }).spec;
  const svg = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
  fs.writeFileSync(file, svg);
}
