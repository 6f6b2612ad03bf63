// Calls initProcessGroup with the JSON options in argv[2] (under whatever environment the test sets)
// and prints {ok} or {error, name} as one JSON line; exits 0 either way. argv[3]: milliseconds to
// stay in the group before leaving.
const torch = require('../../../dist');

const opts = process.argv[2] ? JSON.parse(process.argv[2]) : {};
try {
  torch.distributed.initProcessGroup(opts);
  process.stdout.write(JSON.stringify({ ok: true, rank: torch.distributed.getRank() }) + '\n');
  if (process.argv[3]) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[3]));
  torch.distributed.barrier();
  torch.distributed.destroyProcessGroup();
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e.message, name: e.name }) + '\n');
}
