// This process's CPU time per call (user + system), measured as common.js's timeMs measures wall time:
// warmup, then the median of `reps` runs of `iters` calls. On a machine shared with other jobs it moves
// far less than wall time (both sides of a comparison report it: structures_pytorch.py, time.process_time).
'use strict';

function cpuMs(fn, { warmup = 10, iters = 50, reps = 5 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) fn();
    const u = process.cpuUsage(t0);
    times.push((u.user + u.system) / 1e3 / iters);
  }
  return times.sort((x, y) => x - y)[Math.floor(reps / 2)];
}

module.exports = { cpuMs };
