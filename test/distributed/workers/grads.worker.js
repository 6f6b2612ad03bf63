// DistributedDataParallel's gradients on a small two-layer net, against references built from each
// rank's local gradients and allReduce: a plain backward, accumulation under noSync, several
// buckets, and a parameter that gets no gradient. Prints the largest differences as one JSON line.
const torch = require('../../../dist');
const dist = torch.distributed;

class Net extends torch.nn.Module {
  constructor() {
    super();
    this.a = this.registerModule('a', new torch.nn.Linear(20, 30));
    this.b = this.registerModule('b', new torch.nn.Linear(30, 5));
    this.spare = this.registerModule('spare', new torch.nn.Linear(3, 3)); // never used in forward
  }
  forward(x) {
    return this.b.forward(this.a.forward(x).relu());
  }
}

dist.initProcessGroup({ backend: 'gloo', timeout: 30000 });
const rank = dist.getRank();
torch.manualSeed(rank); // different weights per rank: the wrapper broadcasts rank 0's
const net = new Net();
const ddp = new dist.DistributedDataParallel(net, { bucketCapMb: 0.0001 });
const params = net.parameters();
const loss = (seed) => {
  torch.manualSeed(seed);
  const y = net.forward(torch.randn([8, 20]));
  return y.mul(y).sum();
};
const grads = () => params.map((p) => (p.grad ? p.grad.clone() : torch.zerosLike(p)));
const maxDiff = (as, bs) => Math.max(...as.map((a, i) => a.sub(bs[i]).abs().max().item()));
const r = { rank, buckets: ddp.bucketCount };

// Same weights everywhere after construction.
const w = params.map((p) => p.detach().clone());
const w0 = w.map((t) => dist.broadcast(t.clone(), 0));
r.weightsDiff = maxDiff(w, w0);

// 1. One backward: .grad is the average of the ranks' local gradients.
net.zeroGrad();
ddp.noSync(() => loss(10 + rank).backward());
const ref1 = grads().map((g) => dist.allReduce(g, { op: 'avg' }));
net.zeroGrad();
loss(10 + rank).backward();
r.plainDiff = maxDiff(grads(), ref1);
r.spareGrad = net.spare.weight.grad ? net.spare.weight.grad.abs().sum().item() : null;

// 2. Accumulation: a noSync backward, then a synced one, average the accumulated sum.
net.zeroGrad();
ddp.noSync(() => {
  loss(20 + rank).backward();
  loss(30 + rank).backward();
});
const ref2 = grads().map((g) => dist.allReduce(g, { op: 'avg' }));
net.zeroGrad();
ddp.noSync(() => loss(20 + rank).backward());
loss(30 + rank).backward();
r.accumulatedDiff = maxDiff(grads(), ref2);

// 3. Many steps keep the grads correct (fresh buckets each backward).
let worst = 0;
for (let i = 0; i < 20; i++) {
  net.zeroGrad();
  ddp.noSync(() => loss(100 + i * 7 + rank).backward());
  const ref = grads().map((g) => dist.allReduce(g, { op: 'avg' }));
  net.zeroGrad();
  loss(100 + i * 7 + rank).backward();
  worst = Math.max(worst, maxDiff(grads(), ref));
}
r.loopDiff = worst;
ddp.dispose();
// After dispose the hooks are gone: gradients stay local.
net.zeroGrad();
loss(50 + rank).backward();
const local = grads();
const avg = local.map((g) => dist.allReduce(g.clone(), { op: 'avg' }));
r.afterDisposeDiffersFromAvg = maxDiff(local, avg) > 0;
process.stdout.write(JSON.stringify(r) + '\n');
dist.destroyProcessGroup();
