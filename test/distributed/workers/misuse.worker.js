// Collectives called wrongly on some ranks (different sizes, dtypes, ops, calls), a worker thread
// that ends, and quick re-initialisation on the same port; prints what each rank saw as one JSON line.
// usage (under RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT): node misuse.worker.js
const { Worker } = require('node:worker_threads');
const torch = require('../../../dist');
const dist = torch.distributed;

const r = { errors: {} };
const caught = (name, f) => {
  try {
    f();
    r.errors[name] = 'no error';
  } catch (e) {
    r.errors[name] = `${e.constructor.name}: ${e.message}`;
  }
};
const sumWorks = () => Array.from(dist.allReduce(torch.tensor([1])).data(), Number)[0];

async function main() {
  dist.initProcessGroup({ backend: 'gloo', timeout: 20000 });
  const rank = dist.getRank();
  caught('sizes', () => dist.allReduce(torch.ones([3 + 2 * rank])));
  caught('dtypes', () => dist.allReduce(rank === 0 ? torch.ones([8]) : torch.ones([4], { dtype: 'float64' })));
  caught('ops', () => dist.allReduce(torch.ones([2]), { op: rank === 0 ? 'sum' : 'max' }));
  caught('calls', () => (rank === 0 ? dist.allReduce(torch.ones([2])) : dist.broadcast(torch.ones([2]), 0)));
  caught('broadcastSizes', () => dist.broadcast(torch.ones([rank === 0 ? 3 : 100]), 0));
  caught('bool', () => dist.allReduce(torch.ones([2], { dtype: 'bool' })));
  caught('avgInt', () => dist.allReduce(torch.ones([2], { dtype: 'int64' }), { op: 'avg' }));
  r.afterMisuse = sumWorks();
  // A worker thread that loads the library and ends must leave this thread's group alone.
  await new Promise((resolve, reject) => {
    const w = new Worker(`require(${JSON.stringify(require.resolve('../../../dist'))}).distributed.isInitialized()`, { eval: true });
    w.on('error', reject).on('exit', resolve);
  });
  r.afterWorkerThread = dist.isInitialized() && sumWorks();
  // Re-initialise at once, several times; rank 0 lingers before leaving, so the others first meet
  // the old group's store.
  r.cycles = [];
  for (let i = 0; i < 4; i++) {
    if (rank === 0) await new Promise((s) => setTimeout(s, 300));
    dist.destroyProcessGroup();
    dist.initProcessGroup({ backend: 'gloo', timeout: 20000 });
    r.cycles.push(sumWorks());
  }
  dist.destroyProcessGroup();
  process.stdout.write(JSON.stringify(r) + '\n');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
