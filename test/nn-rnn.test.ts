// nn.RNN/GRU/LSTM and their cells against PyTorch (scripts/rnn_reference.py): the same seed gives the
// same weights, outputs, hidden states and gradients (input, hidden and every parameter), bit for bit
// with the live PyTorch on this CPU (both run ATen's own recurrent functions), else the committed
// fixture within 1e-5. State dicts saved by Python load here with Python's outputs; ours load in Python
// with strict=True and give our outputs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { livePyTorch, runLiveReference, skipVisibly } from './helpers';

interface Case {
  kind: 'GRU' | 'LSTM' | 'RNN' | 'GRUCell' | 'LSTMCell' | 'RNNCell';
  args: [number, number];
  kwargs: Record<string, unknown>;
  shape: number[];
  hx: boolean;
  seed: number;
  out?: number[];
  out_shape?: number[];
  dx: number[];
  dhx?: number[][];
  grads: Record<string, number[]>;
  keys: string[];
  shapes: Record<string, number[]>;
  [state: string]: unknown;
}

const live = livePyTorch.version !== undefined;
const refDir = live ? runLiveReference('rnn_reference.py', ['$OUT']) : path.join(__dirname, 'fixtures', 'rnn');
const ref = JSON.parse(fs.readFileSync(path.join(refDir, 'rnn.json'), 'utf8')) as { torch: string; cases: Record<string, Case> };

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
type AnyRnn = torch.nn.RNNBase | torch.nn.RNNCellBase;

function build(c: Case): AnyRnn {
  const opts = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [camel(k), v]));
  const ctor = torch.nn[c.kind] as unknown as new (i: number, h: number, o: object) => AnyRnn;
  return new ctor(c.args[0], c.args[1], opts);
}
const dtypeOf = (c: Case): 'float32' | 'float64' => (c.kwargs.dtype as 'float64' | undefined) ?? 'float32';
const isCell = (m: AnyRnn): m is torch.nn.RNNCellBase => m instanceof torch.nn.RNNCellBase;

/** The shapes of the hidden state(s) the module takes for input shape x, as the script computes them. */
function hiddenShapes(m: AnyRnn, x: number[]): number[][] {
  if (isCell(m)) {
    const s = x.length === 2 ? [x[0], m.hiddenSize] : [m.hiddenSize];
    return m instanceof torch.nn.LSTMCell ? [s, s] : [s];
  }
  const dirs = m.bidirectional ? 2 : 1;
  const batch = x.length === 3 ? [x[m.batchFirst ? 0 : 1]] : [];
  const h = [m.numLayers * dirs, ...batch, m.projSize > 0 ? m.projSize : m.hiddenSize];
  return m instanceof torch.nn.LSTM ? [h, [m.numLayers * dirs, ...batch, m.hiddenSize]] : [h];
}

/** out (undefined for cells) and the states, for input x and hidden state hx. */
function forward(m: AnyRnn, x: torch.Tensor, hx: torch.Tensor[] | undefined): { out?: torch.Tensor; states: torch.Tensor[] } {
  if (m instanceof torch.nn.LSTM) {
    const [out, [h, c]] = m.forward(x, hx as [torch.Tensor, torch.Tensor] | undefined);
    return { out, states: [h, c] };
  }
  if (m instanceof torch.nn.GRU || m instanceof torch.nn.RNN) {
    const [out, h] = m.forward(x, hx?.[0]);
    return { out, states: [h] };
  }
  if (m instanceof torch.nn.LSTMCell) return { states: m.forward(x, hx as [torch.Tensor, torch.Tensor] | undefined) };
  return { states: [(m as torch.nn.GRUCell).forward(x, hx?.[0])] };
}

const values = (t: torch.Tensor): number[] => Array.from(t.data(), Number);
function same(got: torch.Tensor, want: number[], what: string): void {
  const g = values(got);
  if (live) {
    expect([what, g]).toEqual([what, want]);
    return;
  }
  expect(g.length).toBe(want.length);
  const worst = g.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
  expect([what, worst <= 1e-5]).toEqual([what, true]);
}

describe.each(Object.entries(ref.cases))('%s', (name, c) => {
  test(`outputs, hidden states and every gradient equal PyTorch's${live ? ` (${livePyTorch.version}, live, bit for bit)` : ' (fixture, 1e-5)'}`, () => {
    torch.manualSeed(c.seed);
    const m = build(c);
    const dtype = dtypeOf(c);
    expect(Object.keys(m.stateDict())).toEqual(c.keys);
    for (const [k, s] of Object.entries(c.shapes)) expect([k, m.stateDict()[k].shape]).toEqual([k, s]);
    torch.scope(() => {
      const x = torch.randn(c.shape, { dtype }).requiresGrad_();
      const hx = c.hx ? hiddenShapes(m, c.shape).map((s) => torch.randn(s, { dtype }).requiresGrad_()) : undefined;
      const { out, states } = forward(m, x, hx);
      let loss: torch.Tensor | undefined;
      if (out) {
        expect(out.shape).toEqual(c.out_shape);
        loss = out.mul(torch.randn(out.shape, { dtype })).sum();
        same(out, c.out as number[], 'out');
      }
      states.forEach((s, i) => {
        expect(s.shape).toEqual(c[`state${i}_shape`]);
        const term = s.mul(torch.randn(s.shape, { dtype })).sum();
        loss = loss ? loss.add(term) : term;
        same(s, c[`state${i}`] as number[], `state${i}`);
      });
      (loss as torch.Tensor).backward();
      same(x.grad as torch.Tensor, c.dx, 'dx');
      hx?.forEach((h, i) => same(h.grad as torch.Tensor, (c.dhx as number[][])[i], `dhx${i}`));
      for (const [k, p] of m.namedParameters()) same(p.grad as torch.Tensor, c.grads[k], `grad ${k}`);
    });
    m.dispose();
  });

  test("PyTorch's saved state_dict loads and gives PyTorch's eval output", () => {
    const saved = torch.load(path.join(refDir, `${name}.pt`)) as { state_dict: Record<string, torch.Tensor>; x: torch.Tensor; out: torch.Tensor };
    const m = build(c);
    m.loadStateDict(saved.state_dict);
    m.eval();
    const y = torch.noGrad(() => forward(m, saved.x, undefined));
    const first = y.out ?? y.states[0];
    const d = first.sub(saved.out).abs().max().item() as number;
    expect(d).toBeLessThanOrEqual(live ? 0 : 1e-5);
    m.dispose();
  });
});

if (!live) skipVisibly('bit for bit against live PyTorch, and ours loaded in Python', `no live PyTorch (${livePyTorch.reason})`);
else
  test('our state_dicts load in Python (strict=True) and give our outputs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-rnn-'));
    const names = Object.keys(ref.cases);
    for (const name of names) {
      const c = ref.cases[name];
      torch.manualSeed(c.seed + 7);
      const m = build(c).eval();
      // Perturb the weights so that a load that silently kept PyTorch's own init would be caught.
      torch.noGrad(() => m.parameters().forEach((p) => p.add_(torch.randn(p.shape, { dtype: p.dtype }).mul(0.1))));
      const x = torch.randn(c.shape, { dtype: dtypeOf(c) });
      const y = torch.noGrad(() => forward(m, x, undefined));
      torch.save({ state_dict: m.stateDict(), x, out: y.out ?? y.states[0] } as never, path.join(dir, `${name}.pt`));
      m.dispose();
    }
    const py = `
import json, sys, torch
cases = json.load(open(sys.argv[1]))['cases']
worst = {}
for name in sys.argv[3:]:
    c = cases[name]
    kw = dict(c['kwargs'])
    dtype = getattr(torch, kw.pop('dtype', 'float32'))
    m = getattr(torch.nn, c['kind'])(*c['args'], **kw, dtype=dtype)
    d = torch.load(sys.argv[2] + '/' + name + '.pt')
    m.load_state_dict(d['state_dict'], strict=True)
    m.eval()
    with torch.no_grad():
        y = m(d['x'])
    y = y[0] if isinstance(y, tuple) else y
    worst[name] = (y - d['out']).abs().max().item()
print(json.dumps(worst))
`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, path.join(refDir, 'rnn.json'), dir, ...names], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const worst = JSON.parse(r.stdout) as Record<string, number>;
    expect(worst).toEqual(Object.fromEntries(names.map((n) => [n, 0])));
  });
