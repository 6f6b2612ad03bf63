// State dicts across the language boundary for a model using every nn layer type: PyTorch's
// torch.save loads here (strict) and gives PyTorch's outputs; ours, written by torch.save here, loads in
// Python with load_state_dict(strict=True) and gives ours. Live PyTorch on this CPU (convolutions).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { Every } from './every-layer-model';
import { livePyTorch, skipVisibly } from './helpers';

const PY = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', 'scripts', 'nn_every_layer.py');
const maxDiff = (a: torch.Tensor, b: number[]): number => {
  const x = Array.from(a.data(), Number);
  expect(x.length).toBe(b.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

if (!livePyTorch.version) skipVisibly('state dicts of every layer type cross to and from PyTorch', livePyTorch.reason ?? 'no PyTorch');
else
  describe('state dicts of every layer type cross to and from PyTorch (live)', () => {
    test("PyTorch's torch.save loads with strict keys and gives PyTorch's outputs", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-every-'));
      const r = spawnSync(PY, [SCRIPT, 'make', dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      const ref = JSON.parse(r.stdout) as { y: number[]; keys: string[] };
      const d = torch.load(path.join(dir, 'py_every.pt')) as { state_dict: Record<string, torch.Tensor>; x: torch.Tensor; tokens: torch.Tensor };
      const m = new Every();
      expect(Object.keys(m.stateDict())).toEqual(ref.keys);
      expect(m.loadStateDict(d.state_dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      m.eval();
      expect(maxDiff(m.forward(d.x, d.tokens), ref.y)).toBeLessThanOrEqual(1e-5);
      expect((m.image.at(1) as torch.nn.BatchNorm2d).numBatchesTracked?.item()).toBe(1);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('ours, saved by torch.save here, loads in Python with strict=True and gives our outputs', () => {
      torch.manualSeed(12);
      const m = new Every();
      const x = torch.randn([3, 3, 8, 8]);
      const tokens = torch.randint(0, 20, [3, 8]);
      m.forward(x, tokens); // training mode: running statistics move, as in the Python direction
      m.eval();
      const y = m.forward(x, tokens);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-every-'));
      const file = path.join(dir, 'ours.pt');
      torch.save({ state_dict: m.stateDict(), x, tokens }, file);
      const r = spawnSync(PY, [SCRIPT, 'check', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      expect(maxDiff(y, (JSON.parse(r.stdout) as { y: number[] }).y)).toBeLessThanOrEqual(1e-5);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
