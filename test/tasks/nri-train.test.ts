// A CI-sized NRI run: 2,000 generated springs systems of 20 frames, a narrower model, 8 epochs. The
// encoder must find the hidden graphs well above chance (0.5: each pair is joined with probability 0.5;
// 10,000 validation edges put chance within +-0.01), and the loop must keep memory flat.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../../lib';
import { loadSpringsData } from '../../lib/tasks/nri/data';
import { Nri } from '../../lib/tasks/nri/model';
import { evaluateNri, trainNri } from '../../lib/tasks/nri/train';

test('NRI learns the springs graphs well above chance in a CI-sized run; memory stays flat', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-nri-'));
  try {
    const d = loadSpringsData({ train: 2000, valid: 500, test: 500, seed: 1, settings: { length: 2100 }, cacheDir: dir });
    torch.manualSeed(0);
    const model = new Nri({ frames: 20, hidden: 64 });
    const live: number[] = [];
    const history = trainNri(model, d.train, d.valid, {
      epochs: 8,
      batchSize: 32,
      lr: 2e-3,
      shuffle: true,
      onEpoch: () => {
        live.push(torch.memory().liveTensors);
      },
    });
    const last = history[history.length - 1];
    process.stderr.write(`NRI CI run: valid accuracy per epoch ${history.map((h) => h.valid?.accuracy.toFixed(3)).join(' ')}\n`);
    expect(history).toHaveLength(8);
    expect(last.valid?.accuracy).toBeGreaterThan(0.6);
    expect(history[0].valid?.accuracy).toBeLessThan(last.valid?.accuracy as number);
    const test = evaluateNri(model, d.test, { batchSize: 100 });
    expect(test.accuracy).toBeGreaterThan(0.6);
    // No tensor accumulates across epochs.
    expect(new Set(live).size).toBe(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('trainNri and evaluateNri reject bad options', () => {
  torch.scope(() => {
    const m = new Nri({ frames: 3, hidden: 4 });
    const split = { features: torch.zeros([4, 5, 3, 4]), edges: torch.zeros([4, 20], { dtype: 'int64' }) };
    expect(() => trainNri(m, split, null, { epoch: 2 } as never)).toThrow(/did you mean 'epochs'/);
    expect(() => trainNri(m, split, null, { epochs: 0 })).toThrow(RangeError);
    expect(() => trainNri(m, split, null, { lr: -1 })).toThrow(RangeError);
    expect(() => evaluateNri(m, split, { batch_size: 3 } as never)).toThrow(/batchSize/);
  });
});
