#!/usr/bin/env node
// Checks that the C++ in native/ is as clang-format (.clang-format) leaves it; changes nothing.
// `node scripts/check-format.js --fix` rewrites the files instead. Without clang-format on PATH the
// check is skipped, saying so (CI installs Debian's clang-format package).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const fix = process.argv.includes('--fix');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(cc|h|cu|cuh)$/.test(e.name) ? [p] : [];
  });
}

function findClangFormat() {
  const names = [process.env.CLANG_FORMAT, 'clang-format', ...[19, 18, 17, 16, 15, 14].map((v) => `clang-format-${v}`)];
  return names.filter(Boolean).find((n) => spawnSync(n, ['--version'], { stdio: 'ignore' }).status === 0);
}

const bin = findClangFormat();
if (!bin) {
  console.log('check-format: C++ format check SKIPPED: clang-format not found (Debian/Ubuntu: apt-get install clang-format; or set CLANG_FORMAT)');
  process.exit(0);
}
const files = sources(path.join(root, 'native')).map((f) => path.relative(root, f));
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  console.error(`check-format: C++ files differ from .clang-format's layout; run: node scripts/check-format.js --fix`);
  process.exit(1);
}
console.log(`check-format: ${files.length} C++ files ${fix ? 'formatted' : 'formatted as .clang-format says'} (${bin})`);
