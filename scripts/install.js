#!/usr/bin/env node
// npm install step: finds LibTorch (LIBTORCH, Torch_DIR/CMAKE_PREFIX_PATH, Python torch, system),
// installs Debian's libtorch-dev with apt when none is found and we run as root, then builds the addon.
// It never downloads anything except through the system's package manager.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const log = (m) => console.error(`gumbel-torch: ${m}`);

function pythonTorchPrefix() {
  for (const py of ['python3', 'python']) {
    const r = spawnSync(py, ['-c', 'import torch,sys;sys.stdout.write(torch.utils.cmake_prefix_path)'], { encoding: 'utf8' });
    if (r.status === 0 && fs.existsSync(path.join(r.stdout, 'Torch', 'TorchConfig.cmake'))) return r.stdout;
  }
  return undefined;
}

function systemTorch() {
  const dirs = ['/usr/lib/x86_64-linux-gnu/cmake/Torch', '/usr/lib/aarch64-linux-gnu/cmake/Torch', '/usr/lib/cmake/Torch', '/usr/local/share/cmake/Torch', '/usr/share/cmake/Torch'];
  return dirs.find((d) => fs.existsSync(path.join(d, 'TorchConfig.cmake')));
}

function findTorch() {
  const env = process.env;
  if (env.LIBTORCH) return `LIBTORCH=${env.LIBTORCH}`;
  if (env.Torch_DIR) return `Torch_DIR=${env.Torch_DIR}`;
  if (env.CMAKE_PREFIX_PATH && env.CMAKE_PREFIX_PATH.split(':').some((p) => fs.existsSync(path.join(p, 'Torch', 'TorchConfig.cmake')) || fs.existsSync(path.join(p, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'))))
    return `CMAKE_PREFIX_PATH=${env.CMAKE_PREFIX_PATH}`;
  const py = pythonTorchPrefix();
  if (py) return `python torch (${py})`;
  const sys = systemTorch();
  if (sys) return `system (${sys})`;
  return undefined;
}

function isDebianLike() {
  try {
    const rel = fs.readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(rel);
  } catch {
    return false;
  }
}

// libgloo-dev: gloo's headers, which torch.distributed's Gloo backend is compiled against.
const APT_PACKAGES = ['libtorch-dev', 'libopenblas0-pthread', 'libgloo-dev'];

function aptInstall(pkgs) {
  log(`installing ${pkgs.join(' ')} with apt-get (running as root on ${isDebianLike() ? 'Debian/Ubuntu' : 'Linux'})`);
  const envv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', ...pkgs], { stdio: 'inherit', env: envv });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env: envv });
    r = spawnSync('apt-get', ['install', '-y', '-q', ...pkgs], { stdio: 'inherit', env: envv });
  }
  return r.status === 0;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function fail(lines) {
  console.error(['', 'gumbel-torch: cannot build the native addon.', ...lines.map((l) => `  ${l}`), ''].join('\n'));
  process.exit(1);
}

function main() {
  if (process.env.GUMBEL_TORCH_SKIP_BUILD) {
    log('GUMBEL_TORCH_SKIP_BUILD is set: not building the addon');
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let found = findTorch();
  if (!found) {
    if (isDebianLike() && isRoot) {
      if (!aptInstall(APT_PACKAGES)) fail(['apt-get install ' + APT_PACKAGES.join(' ') + ' failed (see above).']);
      found = findTorch();
    }
    if (!found) {
      fail([
        'No LibTorch was found. Do one of:',
        isDebianLike() ? `  sudo apt-get install ${APT_PACKAGES.join(' ')}    (then npm install again)` : '  install LibTorch with your system package manager',
        '  export LIBTORCH=/path/to/libtorch               (a LibTorch folder)',
        '  export Torch_DIR=/path/to/share/cmake/Torch      (the folder holding TorchConfig.cmake)',
        '  or make a Python with torch importable as python3',
      ]);
    }
  } else if (found.startsWith('system') && isDebianLike() && !dpkgInstalled('libopenblas0-pthread')) {
    if (isRoot) aptInstall(['libopenblas0-pthread']);
    else log('warning: libopenblas0-pthread is not installed; matrix products will use the slow reference BLAS (apt-get install libopenblas0-pthread)');
  }
  if (found.startsWith('system') && isDebianLike() && !dpkgInstalled('libgloo-dev')) {
    if (isRoot) aptInstall(['libgloo-dev']);
    else log('warning: libgloo-dev is not installed; building without torch.distributed (apt-get install libgloo-dev, then rebuild)');
  }
  log(`LibTorch: ${found}`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const jobs = String(Math.max(1, Math.min(os.cpus().length, 8)));
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build', '-p', jobs], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(['cmake-js compile failed (see the messages above).', 'Diagnose with: npx cmake-js compile --out build --debug']);
}

main();
