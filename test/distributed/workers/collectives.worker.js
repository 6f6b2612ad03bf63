// Runs torch.distributed's collectives on this rank and prints what it saw as one JSON line.
// usage (under RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT): node collectives.worker.js
const torch = require('../../../dist');
const dist = torch.distributed;

dist.initProcessGroup({ backend: 'gloo', timeout: 30000 });
const rank = dist.getRank();
const world = dist.getWorldSize();
const r = { rank, world, localRank: dist.getLocalRank(), backend: dist.getBackend() };
const vals = (t) => Array.from(t.data(), Number);
r.sum = vals(dist.allReduce(torch.tensor([rank + 1, 10 * (rank + 1)])));
r.avg = vals(dist.allReduce(torch.tensor([rank + 1]), { op: 'avg' }));
r.max = vals(dist.allReduce(torch.tensor([rank, -rank]), { op: dist.ReduceOp.MAX }));
r.min = vals(dist.allReduce(torch.tensor([rank, -rank]), { op: 'min' }));
r.product = vals(dist.allReduce(torch.tensor([rank + 2]), { op: 'product' }));
r.int64 = vals(dist.allReduce(torch.tensor([rank + 1], { dtype: 'int64' })));
const a = torch.full([2, 3], rank);
const b = torch.full([4], rank, { dtype: 'float64' });
dist.broadcast([a, b], world - 1);
r.broadcast = [...vals(a), ...vals(b)];
dist.barrier();
// A second group after destroying the first (the same port: rank 0 hosts a fresh store).
dist.destroyProcessGroup();
r.afterDestroy = dist.isInitialized();
try {
  dist.allReduce(torch.tensor([1]));
} catch (e) {
  r.uninitialised = e.message;
}
process.stdout.write(JSON.stringify(r) + '\n');
