// The command line end to end: outputs, a checkpoint real PyTorch loads, Ctrl-C, --resume, sample.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'main.js');
const PY = '/usr/bin/python3';
const hasPyTorch = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const describePy = hasPyTorch ? describe : (n: string, f: () => void) => describe.skip(`${n} [skipped: no ${PY} with torch; apt-get install python3-torch]`, f);

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmpdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'gt-cli-'));

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/ is missing: run npm run build:ts (npm ci does it)');
});

describe('gumbel-torch train', () => {
  const out = tmpdir();
  let res: ReturnType<typeof run>;
  beforeAll(() => {
    res = run(['train', '--epochs', '2', '--limit', '1000', '--out', out, '--device', 'cpu', '--seed', '3']);
  });
  test('prints the seed-style epoch lines and a summary, writes every output', () => {
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Epoch: 1 Average loss relaxed: \d+\.\d{4} Unrelaxed: \d+\.\d{4}/);
    expect(res.stdout).toMatch(/Eval loss: \d+\.\d{4}/);
    expect(res.stdout).toMatch(/Summary: 2 epochs/);
    for (const f of ['checkpoint.pt', 'metrics.json', 'metrics.csv', 'loss.svg', 'samples.png', 'reconstructions.png']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { epoch: number; test: number }[];
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(fs.readFileSync(path.join(out, 'loss.svg'), 'utf8')).toMatch(/^<svg/);
    expect(fs.readFileSync(path.join(out, 'samples.png')).subarray(1, 4).toString()).toBe('PNG');
  });
  test('--resume continues after the last finished epoch', () => {
    const r = run(['train', '--epochs', '3', '--limit', '1000', '--out', out, '--device', 'cpu', '--resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming from .* at epoch 3, step 0/);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { epoch: number }[];
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
  });
  test('--resume refuses settings that change the model or the data order, and applies --lr, saying so', () => {
    const common = ['train', '--epochs', '3', '--out', out, '--device', 'cpu', '--resume'];
    const refused = run([...common, '--batch-size', '50', '--latents', '20']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot resume from .*checkpoint\.pt: .*batchSize 100 -> 50; latents 30 -> 20/);
    const lr = run([...common, '--lr', '0.0005']);
    expect(lr.code).toBe(0);
    expect(lr.stdout).toMatch(/changed on resume \(applied from here on\): lr 0\.001 -> 0\.0005/);
    const none = run(['train', '--out', tmpdir(), '--device', 'cpu', '--resume']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nothing to resume: no checkpoint at/);
  });
  test('a resumed run continues the exact random stream: epoch 2 equals an uninterrupted run', () => {
    const whole = tmpdir();
    const split = tmpdir();
    const base = ['--limit', '1000', '--device', 'cpu', '--seed', '5'];
    expect(run(['train', '--epochs', '2', '--out', whole, ...base]).code).toBe(0);
    expect(run(['train', '--epochs', '1', '--out', split, ...base]).code).toBe(0);
    expect(run(['train', '--epochs', '2', '--out', split, '--resume', ...base]).code).toBe(0);
    const read = (d: string): { relaxed: number; unrelaxed: number; test: number }[] => JSON.parse(fs.readFileSync(path.join(d, 'metrics.json'), 'utf8'));
    const [a, b] = [read(whole)[1], read(split)[1]];
    expect([b.relaxed, b.unrelaxed, b.test]).toEqual([a.relaxed, a.unrelaxed, a.test]);
  });
  test('sample --checkpoint writes a new grid', () => {
    const png = path.join(out, 'more.png');
    const r = run(['sample', '--checkpoint', path.join(out, 'checkpoint.pt'), '--out', png, '--count', '16', '--device', 'cpu']);
    expect(r.code).toBe(0);
    expect(fs.statSync(png).size).toBeGreaterThan(1000);
  });
  test('a non-finite model stops training with a clear message and exit code 1', () => {
    const r = run(['train', '--epochs', '1', '--limit', '500', '--lr', '1e30', '--out', tmpdir(), '--device', 'cpu', '--log-every', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/became non-finite at epoch 1, step \d+ .*training stopped/);
  });
  test('--fast trains on the fast CPU kernels, differs from the default in rounding only, and still stops a diverged model', () => {
    const [plain, fast] = [tmpdir(), tmpdir()];
    const base = ['train', '--epochs', '1', '--limit', '500', '--device', 'cpu'];
    expect(run([...base, '--out', plain]).code).toBe(0);
    expect(run([...base, '--out', fast, '--fast']).code).toBe(0);
    const read = (d: string): { relaxed: number } => JSON.parse(fs.readFileSync(path.join(d, 'metrics.json'), 'utf8'))[0];
    const [a, b] = [read(plain).relaxed, read(fast).relaxed];
    expect(b).not.toBe(a);
    expect(Math.abs(b - a) / a).toBeLessThan(1e-4);
    const r = run([...base, '--lr', '1e30', '--out', tmpdir(), '--log-every', '1', '--fast']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/became non-finite at epoch 1, step \d+ .*training stopped/);
  });
  test('bad flags and files give clear errors', () => {
    expect(run(['train', '--epochs', 'zero']).stderr).toMatch(/epochs must be an integer >= 1/);
    // Decimal only, as argparse's type=int: Number() alone read these as 2, 0 and 10.
    for (const text of ['0x2', '', '1e1']) expect(run(['train', '--epochs', text]).stderr).toMatch(/epochs must be an integer >= 1/);
    expect(run(['train', '--lr', '0x1']).stderr).toMatch(/lr must be a positive number/);
    expect(run(['train', '--task', 'jigsaw', '--pieces', '0b11']).stderr).toMatch(/pieces must be a decimal integer, got '0b11'/);
    expect(run(['train', '--device', 'tpu']).stderr).toMatch(/device must be auto, cpu, cuda or cuda:N/);
    expect(run(['train', '--data', out, '--out', tmpdir()]).stderr).toMatch(/no train-images-idx3-ubyte/);
    expect(run(['sample', '--checkpoint', path.join(out, 'metrics.json')]).stderr).toMatch(/not a readable torch.save file/);
  });

  describePy('PyTorch reads the checkpoint', () => {
    test("torch.load gives the seed's VAE_gumbel state dict and the run's epoch", () => {
      const script = `
import sys, torch
from torch import nn
ck = torch.load(sys.argv[1])
class VAE_gumbel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512); self.fc2 = nn.Linear(512, 256); self.fc3 = nn.Linear(256, 300)
        self.fc4 = nn.Linear(300, 256); self.fc5 = nn.Linear(256, 512); self.fc6 = nn.Linear(512, 784)
m = VAE_gumbel()
m.load_state_dict(ck['model'])
print('ok', ck['epoch'], len(ck['optimizer']['state']), float(m.fc1.weight.abs().sum()) > 0)
`;
      const r = spawnSync(PY, ['-c', script, path.join(out, 'checkpoint.pt')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('ok 4 12 True');
    });
  });
});

describe('Ctrl-C', () => {
  test('finishes the step, writes a checkpoint mid-epoch, exits 0; --resume picks it up', async () => {
    const out = tmpdir();
    const child = spawn(process.execPath, [cli, 'train', '--epochs', '1', '--out', out, '--device', 'cpu', '--log-every', '5'], { cwd: root });
    let stdout = '';
    let stderr = '';
    const started = new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/Categorical VAE/.test(stdout)) resolve();
      }),
    );
    child.stderr.on('data', (d) => (stderr += d));
    await started; // the SIGINT handler is installed before this line is printed
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(stderr).toMatch(/finishing the current step and writing a checkpoint/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Stopped early; resume with/);
    const r = run(['train', '--epochs', '1', '--out', out, '--device', 'cpu', '--resume']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming from .* at epoch 1, step [1-9]\d*/);
    expect(r.stdout).toMatch(/Epoch: 1 Average loss/);
  }, 120_000);
});
