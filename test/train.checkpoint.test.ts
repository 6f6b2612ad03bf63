// The training checkpoint module: a round trip keeps every field, and a crafted file gets an error
// naming the entry at fault (never a crash or a silently wrong resume).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as torch from '../lib';
import { readCheckpoint, readCheckpointConfig, writeCheckpoint, type TrainingCheckpoint } from '../lib/train/checkpoint';
import { TRAIN_DEFAULTS } from '../lib/train';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-ckpt-'));
const file = (name: string): string => path.join(dir, name);

function sample(): TrainingCheckpoint {
  const model = new torch.nn.Linear(3, 2);
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
  model.forward(torch.ones([4, 3])).sum().backward();
  opt.step();
  return {
    model: model.stateDict(),
    optimizer: opt.stateDict(),
    epoch: 2,
    step: 5,
    globalStep: 17,
    trainSeconds: 1.5,
    config: { ...TRAIN_DEFAULTS, lr: 5e-4 },
    metrics: [{ epoch: 1, relaxed: 1, unrelaxed: 2, test: 3, trainSeconds: 4, testSeconds: 5, tau: 1, estimator: 'gumbel-softmax' }],
    rngState: torch.getRngState(),
    order: torch.arange(0, 10, 1, { dtype: 'int64' }),
    relaxedSum: 12.5,
    unrelaxedSum: 13.5,
  };
}

test('a checkpoint reads back as written', () =>
  torch.scope(() => {
    const ck = sample();
    writeCheckpoint(file('a.pt'), ck);
    const back = readCheckpoint(file('a.pt'));
    expect({ ...back, model: undefined, optimizer: undefined, rngState: undefined, order: undefined }).toEqual({
      ...ck, model: undefined, optimizer: undefined, rngState: undefined, order: undefined, rngStates: undefined, cudaRngState: undefined,
    });
    expect(Object.keys(back.model)).toEqual(Object.keys(ck.model));
    for (const k of Object.keys(ck.model)) expect(back.model[k].eq(ck.model[k]).all().item()).toBe(true);
    expect(back.rngState?.eq(ck.rngState!).all().item()).toBe(true);
    expect(back.order?.toArray()).toEqual(ck.order?.toArray());
    expect(back.optimizer.param_groups).toEqual(ck.optimizer.param_groups);
    const opt = new torch.optim.Adam(new torch.nn.Linear(3, 2).parameters(), { lr: 1e-3 });
    expect(() => opt.loadStateDict(back.optimizer)).not.toThrow();
    expect(readCheckpointConfig(file('a.pt')).lr).toBe(5e-4);
  }));

test.each([
  ['epoch', 'x', /'epoch' must be a non-negative integer/],
  ['step', -1, /'step' must be a non-negative integer/],
  ['globalStep', 1.5, /'globalStep' must be a non-negative integer/],
  ['metrics', '{', /'metrics' is not valid JSON/],
  ['metrics', '{}', /'metrics' must be a JSON array/],
  ['config', '[1]', /'config' must be a JSON object/],
  ['rngState', 3, /'rngState' must be a tensor/],
  ['relaxedSum', 'x', /'relaxedSum' must be a number/],
  ['model', { w: 1 }, /'model' must be a dict of tensors/],
  ['optimizer', { state: {} }, /'optimizer' must be an Adam state_dict/],
] as const)("a checkpoint whose '%s' is %j is refused, naming it", (key, value, message) =>
  torch.scope(() => {
    const ck = sample();
    writeCheckpoint(file('b.pt'), ck);
    const raw = torch.load(file('b.pt')) as Record<string, torch.Saveable>;
    raw[key] = value;
    torch.save(raw, file('b.pt'));
    expect(() => readCheckpoint(file('b.pt'))).toThrow(message);
  }));

test('a file that is no checkpoint says so', () => {
  torch.save({ a: 1 }, file('c.pt'));
  expect(() => readCheckpointConfig(file('c.pt'))).toThrow(/not a valid gumbel-torch training checkpoint: no 'config' entry/);
});
