// Child process for workers.test.ts: starts workers that load gumbel-torch and run ops, and ends them
// (worker.terminate() or process.exit() in the main thread) at random moments. Any abort of this
// process is what the test counts.
// Usage: node --expose-gc terminate-child.js <mode: terminate|exit> <seed> <workers> <maxDelayMs>
'use strict';
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const [mode, seedArg, countArg, maxArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const dist = path.resolve(__dirname, '..', '..', 'dist');
// The worker loads the library, then works: tensors, autograd, errors, warnings, GC.
const body = `
  const torch = require(${JSON.stringify(dist)});
  const { parentPort } = require('node:worker_threads');
  parentPort.postMessage('loaded');
  for (let i = 0; ; i++) {
    torch.scope(() => {
      const w = torch.randn([64, 64]).requiresGrad_();
      w.matmul(w).relu().sum().backward();
      try { w.view(7, 7); } catch {}
    });
    torch.ones([1000]);
    if (i % 50 === 0 && globalThis.gc) globalThis.gc();
  }
`;
const delays = [];
const workers = [];
for (let i = 0; i < Number(countArg); i++) {
  const w = new Worker(body, { eval: true });
  w.on('error', () => {}); // a worker killed mid-load may report an error; only the process matters
  workers.push(w);
  delays.push(Math.floor(rand() * Number(maxArg)));
}
if (mode === 'exit') {
  setTimeout(() => process.exit(0), Math.max(...delays));
} else {
  Promise.all(workers.map((w, i) => new Promise((r) => setTimeout(() => w.terminate().then(r, r), delays[i])))).then(() => process.exit(0));
}
