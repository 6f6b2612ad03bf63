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

describe('bad input: clean TypeError/RangeError naming the module and the argument or key', () => {
  test("allWeights and flatWeights in PyTorch's order", () => {
    const lstm = new torch.nn.LSTM(5, 7, { numLayers: 2, bidirectional: true, projSize: 3 });
    const names = [...lstm.namedParameters()];
    expect(lstm.allWeights.map((ws) => ws.map((w) => names.find(([, p]) => p === w)?.[0]))).toEqual([
      ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hr_l0'],
      ['weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', 'weight_hr_l0_reverse'],
      ['weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_hr_l1'],
      ['weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse', 'weight_hr_l1_reverse'],
    ]);
    expect(new torch.nn.GRU(5, 7, { bias: false }).allWeights.map((ws) => ws.map((w) => w.shape))).toEqual([[[21, 5], [21, 7]]]);
    lstm.dispose();
  });

  test('constructor options', () => {
    expect(() => new torch.nn.GRU(5, 7, { num_layers: 2 } as never)).toThrow(/GRU options: unknown option 'num_layers' \(did you mean 'numLayers'\?\)/);
    expect(() => new torch.nn.GRU(5, 7, { projSize: 3 } as never)).toThrow(/unknown option 'projSize'/);
    expect(() => new torch.nn.LSTM(5, 7, { projSize: 7 })).toThrow(RangeError);
    expect(() => new torch.nn.LSTM(5, 7, { numLayers: 2, dropout: 1.5 })).toThrow(/LSTM: dropout should be a number in range \[0, 1\]/);
    expect(() => new torch.nn.RNN(5, 0)).toThrow(/RNN: hiddenSize must be in \[1/);
    expect(() => new torch.nn.RNN(5, 7, { nonlinearity: 'gelu' as never })).toThrow(/unknown nonlinearity 'gelu'/);
    expect(() => new torch.nn.GRUCell(5, 7, { bias: 1 as never })).toThrow(/GRUCell: bias must be a boolean/);
  });

  test('input and hidden state: rank, size, dtype, shape', () =>
    torch.scope(() => {
      const gru = new torch.nn.GRU(5, 7, { numLayers: 2 });
      expect(() => gru.forward(torch.zeros([5]))).toThrow(/GRU\(5, 7\): expected input to be 2-D \(unbatched\) or 3-D, got shape \[5\]/);
      expect(() => gru.forward(torch.zeros([6, 3, 4]))).toThrow(/GRU\(5, 7\): input.size\(-1\) must be equal to inputSize. Expected 5, got 4/);
      expect(() => gru.forward(torch.zeros([6, 3, 5], { dtype: 'float64' }))).toThrow(TypeError);
      expect(() => gru.forward(torch.zeros([6, 3, 5]), torch.zeros([1, 3, 7]))).toThrow(/expected hx of shape \[2, 3, 7\], got \[1, 3, 7\]/);
      expect(() => gru.forward(torch.zeros([6, 5]), torch.zeros([2, 1, 7]))).toThrow(/for unbatched 2-D input, hx should be 2-D/);
      const lstm = new torch.nn.LSTM(5, 7, { projSize: 3 });
      expect(() => lstm.forward(torch.zeros([6, 3, 5]), [torch.zeros([1, 3, 7]), torch.zeros([1, 3, 7])])).toThrow(/expected hx\[0\] of shape \[1, 3, 3\]/);
      expect(() => lstm.forward(torch.zeros([6, 3, 5]), torch.zeros([1, 3, 3]) as never)).toThrow(/LSTM: hx must be \[h0, c0\]/);
      const cell = new torch.nn.LSTMCell(5, 7);
      expect(() => cell.forward(torch.zeros([3, 5]), [torch.zeros([3, 7]), torch.zeros([4, 7])])).toThrow(/LSTMCell\(5, 7\): expected hx\[1\] of shape \[3, 7\], got \[4, 7\]/);
      expect(() => cell.forward(torch.zeros([5]), [torch.zeros([1, 7]), torch.zeros([1, 7])])).toThrow(/expected hx\[0\] of shape \[7\]/);
      expect(() => new torch.nn.GRUCell(5, 7).forward(torch.zeros([3, 6]))).toThrow(/GRUCell\(5, 7\): input has inconsistent input size: got 6, expected 5/);
      expect(() => gru.forward(torch.zeros([0, 3, 5]))).toThrow(/Expected sequence length to be larger than 0/);
      for (const m of [gru, lstm, cell]) m.dispose();
    }));

  test('state_dicts with missing, extra or wrong-shaped keys; another kind', () => {
    const gru = new torch.nn.GRU(5, 7);
    const sd = gru.stateDict();
    delete sd.bias_hh_l0;
    expect(() => gru.loadStateDict(sd)).toThrow(/GRU.loadStateDict: missing keys \[bias_hh_l0\], unexpected keys \[\]/);
    expect(() => gru.loadStateDict(sd)).toThrow(RangeError);
    expect(() => gru.loadStateDict({ ...gru.stateDict(), weight_ih_l1: torch.zeros([21, 7]) })).toThrow(/unexpected keys \[weight_ih_l1\]/);
    expect(() => gru.loadStateDict({ ...gru.stateDict(), weight_hh_l0: torch.zeros([21, 6]) })).toThrow(/GRU.loadStateDict: 'weight_hh_l0' \(GRU\) has shape \[21,6\], the module expects \[21,7\]/);
    expect(() => gru.loadStateDict(new torch.nn.LSTM(5, 7).stateDict())).toThrow(/'weight_ih_l0' \(GRU\) has shape \[28,5\], the module expects \[21,5\]/);
    expect(() => new torch.nn.GRUCell(5, 7).loadStateDict({ ...new torch.nn.GRUCell(5, 7).stateDict(), weight_ih: 3 as never })).toThrow(/GRUCell.loadStateDict: 'weight_ih' \(GRUCell\) is not a tensor/);
    gru.dispose();
  });

  test('no tensor leaks: a forward in a scope leaves only the parameters', () => {
    const lstm = new torch.nn.LSTM(5, 7, { numLayers: 2, bidirectional: true });
    const cell = new torch.nn.GRUCell(5, 7);
    const x = torch.randn([6, 3, 5]);
    torch.scope(() => lstm.forward(x)); // warm-up (lazily made natives)
    const before = torch.memory().liveTensors;
    torch.scope(() => {
      lstm.forward(x)[0].sum().backward();
      lstm.forward(torch.randn([6, 5]));
      cell.forward(torch.randn([5]));
      cell.forward(torch.randn([2, 5]), torch.zeros([2, 7]));
    });
    lstm.zeroGrad();
    expect(torch.memory().liveTensors).toBe(before);
    for (const d of [lstm, cell, x]) d.dispose();
  });
});
