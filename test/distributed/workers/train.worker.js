// A data-parallel Categorical VAE run for the distributed tests: joins the job when WORLD_SIZE is set
// (else trains alone), draws each rank's batches from a DistributedSampler and takes each sample's
// Gumbel noise from one table indexed by sample, so any split of a batch over ranks sees the same
// samples and noise. Writes per-step losses (reduced over ranks) and rank 0's final weights.
// usage: node train.worker.js <outDir> <steps> <batchPerRank> [printEvery] [float32|float64]
const fs = require('node:fs');
const path = require('node:path');
const torch = require('../../../dist');

const [out, stepsArg, batchArg, printArg, dtypeArg] = process.argv.slice(2);
const dtype = dtypeArg ?? 'float32';
const steps = Number(stepsArg);
const batch = Number(batchArg);
const printEvery = Number(printArg ?? 0);
const dist = torch.distributed;
const distributed = process.env.WORLD_SIZE !== undefined;
torch.setNumThreads(1);
if (distributed) dist.initProcessGroup({ backend: 'gloo', timeout: 60000 });
const rank = distributed ? dist.getRank() : 0;
const world = distributed ? dist.getWorldSize() : 1;

// Every rank starts from different weights: the wrapper must make them rank 0's.
torch.manualSeed(rank === 0 ? 0 : 100 + rank);
const model = new torch.CategoricalVAE().to(dtype);
const ddp = distributed ? new dist.DistributedDataParallel(model) : undefined;
const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
const n = Math.min(steps, 50) * batch * world;
const x = torch.data.loadImages('train', { limit: n }).to(dtype);
torch.manualSeed(1234);
const noise = torch.sampleGumbel([n, 30, 10], { dtype });
const sampler = new dist.DistributedSampler(n, { numReplicas: world, rank, seed: 7 });
const losses = [];
let order;
for (let step = 0; step < steps; step++) {
  const perEpoch = sampler.length / batch;
  if (step % perEpoch === 0) {
    order?.dispose();
    sampler.setEpoch(step / perEpoch);
    order = sampler.indices();
  }
  torch.scope(() => {
    const idx = order.narrow(0, (step % perEpoch) * batch, batch);
    const xb = x.indexSelect(0, idx);
    opt.zeroGrad();
    const { recon, qy } = model.forward(xb, 1.0, { noise: noise.indexSelect(0, idx) });
    const loss = model.loss(recon, xb, qy);
    loss.backward();
    opt.step();
    const l = loss.detach().to('float64');
    if (distributed) dist.allReduce(l, { op: 'avg' });
    losses.push(l.item());
  });
  if (printEvery && (step + 1) % printEvery === 0) process.stdout.write(`rank ${rank} step ${step + 1}\n`);
}
if (rank === 0) {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'losses.json'), JSON.stringify(losses));
  torch.save(model.stateDict(), path.join(out, 'weights.pt'));
}
ddp?.dispose();
if (distributed) {
  dist.barrier();
  dist.destroyProcessGroup();
}
