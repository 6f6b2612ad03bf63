// Mutation fuzz of torch.load (scripts/fuzz-load.js): files derived from PyTorch-written checkpoints
// by truncation, byte flips and opcode/operand mutations, loaded in child processes; each must give
// a value or a JS Error, never a crash. A larger run: node scripts/fuzz-load.js 20000.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fuzz = require('../scripts/fuzz-load.js') as {
  makeMutants(dir: string, count: number, seed: number): string[];
  runFuzz(dir: string, count: number): { counts: Record<string, number>; result: { outcome: string; detail: string }[] };
  MUST_FAIL: string[];
};

test('1200 mutated PyTorch checkpoints and special files: each a value or a clean Error, no crash, no hang', () => {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build:ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-fuzz-'));
  try {
    const n = 1200;
    const kinds = fuzz.makeMutants(dir, n, 7);
    const { counts, result } = fuzz.runFuzz(dir, n);
    const kindsSeen = new Set(kinds);
    console.log(`load fuzz: ${JSON.stringify(counts)} over kinds ${[...kindsSeen].join(', ')}`);
    const failures = result.flatMap((r, i) =>
      ['crash', 'bad', 'hang'].includes(r.outcome) || (fuzz.MUST_FAIL.includes(kinds[i]) && r.outcome !== 'error') ? [`${i} (${kinds[i]}): ${r.outcome} ${r.detail}`] : [],
    );
    expect(failures).toEqual([]);
    expect(counts.files).toBe(n);
    expect(counts.value + counts.error).toBe(n);
    expect(counts.missing).toBe(0);
    expect(counts.error).toBeGreaterThan(n / 4); // the mutations really break files...
    expect(counts.value).toBeGreaterThan(20); // ...and some still load (operand changes inside bounds)
    expect(kindsSeen.size).toBe(13); // issue 22's kinds included: key-alias, frame-overlong, build-plain-dict, not-regular
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
