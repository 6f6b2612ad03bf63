// A consumer of the packed gumbel-torch, compiled by test/package.test.ts as CommonJS and as an ES
// module, by TypeScript 5 and 7, under their `tsc --init` defaults and a lenient config, with no
// @types/node. The type assertions make tsc fail if the public types regress; run, it prints values.
import * as torch from 'gumbel-torch'; // CommonJS consumers get: import torch = require('gumbel-torch');
import type { DType, Tensor, TrainConfig, TrainEvent } from 'gumbel-torch';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(ok: T): T {
  return ok;
}

torch.manualSeed(0);
const x = torch.randn([2, 3]);
expectType<Equal<typeof x, Tensor<'float32'>>>(true);

// item() and data() follow the dtype
const total: number = x.sum().item();
const values: Float32Array = x.mul(2).add(1).data();
const allPositive: boolean = x.gt(0).all().item();
const argmax: BigInt64Array = x.argmax(1).data();
const asDouble: Float64Array = x.to('float64').data();
const ints = torch.tensor([1, 2, 3], { dtype: 'int32' });
const intData: Int32Array = ints.data();
const halves: Float32Array = ints.div(2).data(); // true division of integers gives float32
const mask = torch.tensor([true, false]);
expectType<Equal<typeof mask, Tensor<'bool'>>>(true);
const loaded: Tensor<DType> = torch.zeros([1]);
const unknownItem: number | boolean = loaded.item();
// @ts-expect-error a float tensor's item() is a number, not a boolean
const wrongItem: boolean = x.sum().item();
// @ts-expect-error a float32 tensor's data() is a Float32Array
const wrongData: Int32Array = x.data();

// shapes as PyTorch takes them
const v1 = x.view([3, 2]);
const v2 = x.reshape(6);
const dims: number = x.dim();
const xt = x.T;
expectType<Equal<typeof xt, Tensor<'float32'>>>(true);

// free functions
const y = torch.exp(torch.log(torch.add(torch.abs(x), 1)));
const s = torch.sum(x, 1);
const m = torch.max(x, 1);
const mean: number = torch.mean(x).item();

// memory: using, scope, dispose
let disposedAfterBlock = false;
let keptOutside: Tensor<'float32'> | undefined;
{
  using t = torch.ones([3]);
  keptOutside = t;
}
disposedAfterBlock = keptOutside.isDisposed;
const fromScope = torch.scope(() => torch.ones([2]).mul(3));

// training APIs are exported and typed
const config: Partial<TrainConfig> = { epochs: 1, limit: 100, device: 'cpu' };
const trainer: torch.Trainer = new torch.Trainer({ ...torch.train.TRAIN_DEFAULTS, ...config });
const startWorker: (c: Partial<TrainConfig>) => torch.train.TrainJob = torch.trainInWorker;
const describeEvent = (e: TrainEvent): string => (e.type === 'progress' ? `step ${e.step}` : e.type);

// Ops derived from the op table: methods, free functions, options objects, typed results.
const x64 = torch.rand([3, 4], { dtype: 'float64' });
const sinned = x64.sin();
expectType<Equal<typeof sinned, Tensor<'float64'>>>(true);
const intSin = torch.tensor([1, 2], { dtype: 'int64' }).sin();
expectType<Equal<typeof intSin, Tensor<'float32'>>>(true);
const top = x64.topk(2, { largest: false });
expectType<Equal<typeof top.indices, Tensor<'int64'>>>(true);
const chunks: Tensor<'float64'>[] = torch.chunk(x64, 2, 1);
const infMask: Tensor<'bool'> = x64.isinf();
const cs = x64.cumsum(-1);
// @ts-expect-error a misspelt option is a compile error (and a TypeError at run time)
const misspelt = () => x64.nanToNum({ posInf: 1 });
const lin = torch.linspace(0, 1, 5);

const out = {
  shape: x.shape,
  total: Math.abs(total - Array.from(x.data()).reduce((a, b) => a + b, 0)) < 1e-4,
  values: values.length,
  allPositive: typeof allPositive,
  argmax: argmax.constructor.name,
  asDouble: asDouble.constructor.name,
  intData: Array.from(intData),
  halves: Array.from(halves),
  unknownItem,
  v1: v1.shape,
  v2: v2.shape,
  dims,
  xt: xt.shape,
  y: Math.max(...Array.from(torch.sub(y, torch.add(torch.abs(x), 1)).abs().data())) < 1e-5,
  s: s.shape,
  m: [m.values.shape, m.indices.dtype],
  mean: typeof mean,
  disposedAfterBlock,
  fromScope: Array.from(fromScope.data()),
  trainer: trainer.config.epochs,
  worker: typeof startWorker,
  event: describeEvent({ type: 'epoch', epoch: 1, relaxed: 1, unrelaxed: 1, test: 1, trainSeconds: 1, testSeconds: 1, tau: 1 }),
  unused: [wrongItem, wrongData, misspelt].length,
  derived: [sinned.dtype, intSin.dtype, top.values.shape, chunks.length, infMask.dtype, cs.shape, lin.shape],
};
console.log(JSON.stringify(out));
