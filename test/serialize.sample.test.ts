// gumbel-torch sample --checkpoint with what PyTorch users have: a bare state_dict of the seed's
// model (dict or OrderedDict), {'model': state_dict}, and our own checkpoints' weights.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const PY = '/usr/bin/python3';
const hasPyTorch = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const testPy = hasPyTorch ? test : (n: string, f: () => void) => test.skip(`${n} [skipped: no ${PY} with torch; apt-get install python3-torch]`, f);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-sample-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sample(file: string, ...extra: string[]): { code: number | null; stderr: string; png: string } {
  const png = path.join(tmp, `${path.basename(file)}.png`);
  const r = spawnSync(process.execPath, [cli, 'sample', '--checkpoint', file, '--out', png, '--count', '4', '--device', 'cpu', ...extra], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, png };
}

test("a bare state_dict written by PyTorch (the seed model's weights)", () => {
  const r = sample(path.join(__dirname, 'fixtures', 'vae_final.pt'));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(fs.readFileSync(r.png).subarray(1, 4).toString()).toBe('PNG');
});

testPy("torch.save(model.state_dict()) (an OrderedDict) and {'model': sd, 'epoch': n} written live by PyTorch", () => {
  const script = `
import sys, torch
from torch import nn
sys.path.insert(0, ${JSON.stringify(path.join(root, 'scripts'))})
from serialize_pytorch import seed_model
sd = seed_model().state_dict()
torch.save(sd, sys.argv[1] + '/od.pt')
torch.save({'model': sd, 'epoch': 3}, sys.argv[1] + '/wrapped.pt')
torch.save({'module.' + k: v for k, v in sd.items()}, sys.argv[1] + '/dp.pt')
`;
  const py = spawnSync(PY, ['-c', script, tmp], { encoding: 'utf8' });
  expect(py.stderr).toBe('');
  for (const f of ['od.pt', 'wrapped.pt', 'dp.pt']) {
    const r = sample(path.join(tmp, f));
    expect([f, r.code, r.stderr]).toEqual([f, 0, '']);
  }
});

test('another code size needs --latents/--categories; wrong files say what is missing', () => {
  const m = new torch.CategoricalVAE({ latents: 4, categories: 5 });
  const file = path.join(tmp, 'small.pt');
  torch.save(m.stateDict(), file);
  m.dispose();
  expect(sample(file).stderr).toMatch(/the latent code has 20 units; pass --latents and --categories/);
  expect(sample(file, '--latents', '4', '--categories', '5').code).toBe(0);
  expect(sample(file, '--categories', '5').code).toBe(0);
  expect(sample(file, '--latents', '3', '--categories', '5').stderr).toMatch(/latents x categories = 20/);
  const other = path.join(tmp, 'other.pt');
  torch.save({ 'enc.weight': torch.ones([2, 2]) }, other);
  expect(sample(other).stderr).toMatch(/no Categorical VAE weights \(expected keys fc1.weight ... fc6.bias, found enc.weight\)/);
});
