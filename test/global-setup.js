// Jest's globalSetup: the tests that run code in child processes (CLI, workers, warnings, packaging)
// load dist/, so dist/ is rebuilt first whenever a file of lib/ is newer than its output or has none:
// every test runs the code in lib/ as it is now, never a stale build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function staleFiles(dir = path.join(root, 'lib')) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return staleFiles(p);
    if (!e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) return [];
    const out = path.join(root, 'dist', path.relative(path.join(root, 'lib'), p)).replace(/\.ts$/, '.js');
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(p).mtimeMs ? [path.relative(root, p)] : [];
  });
}

module.exports = function globalSetup() {
  const stale = staleFiles();
  if (stale.length === 0) return;
  process.stderr.write(`\njest: dist/ is older than ${stale.length} file(s) of lib/ (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): rebuilding it (tsc)\n`);
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`jest: could not rebuild dist/ (tsc -p tsconfig.json):\n${r.stdout}${r.stderr}`);
  // tsc leaves an unchanged output's mtime alone; touch them so the check above sees them as fresh.
  const now = new Date();
  for (const f of staleFiles()) {
    const out = path.join(root, 'dist', path.relative(path.join(root, 'lib'), path.join(root, f))).replace(/\.ts$/, '.js');
    if (fs.existsSync(out)) fs.utimesSync(out, now, now);
  }
};
