// One fuzz worker (see fuzz-load.js): loads files START..COUNT-1 of DIR and prints, unbuffered,
// "i begin" before each file and "i value|error|bad detail" after it, so the parent knows which file
// a crash happened on.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const torch = require(path.join(__dirname, '..', 'dist'));

const [dir, start, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const say = (s) => fs.writeSync(1, s + '\n');

// Reads every element of every tensor in the value, so an out-of-bounds view would be touched.
function touch(v) {
  const seen = new Set();
  const todo = [v];
  let n = 0;
  while (todo.length) {
    const x = todo.pop();
    if (x instanceof torch.Tensor) {
      n += x.numel();
      // A stride-0 view may be huge yet address a few elements; reading 10^7 is enough to prove bounds.
      if (x.numel() <= 1e7) torch.scope(() => x.to('float64').sum().item());
      x.dispose();
    } else if (x && typeof x === 'object' && !seen.has(x)) {
      seen.add(x);
      todo.push(...Object.values(x));
    }
  }
  return n;
}

for (let i = start; i < count; i++) {
  say(`${i} begin`);
  try {
    const v = torch.load(path.join(dir, `${i}.pt`));
    // Python holds True and 1 as one dict key: both as properties would be a silently wrong load.
    if (v && typeof v === 'object' && Object.hasOwn(v, 'true') && Object.hasOwn(v, '1')) say(`${i} bad keys true and 1 both loaded`);
    else say(`${i} value ${touch(v)}`);
  } catch (e) {
    say(e instanceof Error ? `${i} error ${e.constructor.name}: ${e.message.replace(/[\x00-\x1f\u2028\u2029]/g, '?').slice(0, 200)}` : `${i} bad ${String(e)}`);
  }
}
