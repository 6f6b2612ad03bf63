#!/usr/bin/env node
// npm install step: builds the native addon with cmake-js. The LibTorch search lives in one place,
// cmake/FindLibTorch.cmake; this script runs CMake, reports what it found, and when CMake found no
// LibTorch and we run as root on Debian/Ubuntu, installs libtorch-dev with apt and configures again.
// It never downloads anything except through the system's package manager.
// GUMBEL_TORCH_SKIP_BUILD=1 skips the build (e.g. to install the package for its types only).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build');
const logFile = path.join(buildDir, 'build.log');
const started = Date.now();
// libgloo-dev: gloo's headers, which torch.distributed's Gloo backend is compiled against.
const APT_PACKAGES = ['libtorch-dev', 'libopenblas0-pthread', 'libgloo-dev'];

// npm hides a dependency's install output until it fails, so a long build looks hung; progress
// lines also go to the terminal when there is one and stderr is not it.
let tty;
if (!process.stderr.isTTY) {
  try {
    tty = fs.openSync('/dev/tty', 'w');
  } catch {
    tty = undefined;
  }
}
function say(m) {
  const line = `gumbel-torch: ${m}\n`;
  process.stderr.write(line);
  if (tty !== undefined) {
    try {
      fs.writeSync(tty, line);
    } catch {
      tty = undefined;
    }
  }
}
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

function fail(lines) {
  console.error(['', 'gumbel-torch: cannot build the native addon.', ...lines.map((l) => `  ${l}`), ''].join('\n'));
  process.exit(1);
}

/**
 * Parallel compiles: one per core, but ~1.5 GB of memory each (a LibTorch translation unit). In a
 * container the cgroup's limits count, not the host's: its memory limit, and its CPU quota (cpu.max).
 */
function jobCount() {
  let cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  try {
    const [quota, period] = fs.readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (quota !== 'max' && Number(period) > 0) cores = Math.min(cores, Math.max(1, Math.floor(Number(quota) / Number(period))));
  } catch {
    // no cgroup v2 CPU limit readable: the cores Node sees
  }
  const limit = typeof process.constrainedMemory === 'function' ? Number(process.constrainedMemory()) : 0;
  const memory = limit > 0 && limit < os.totalmem() ? limit : os.totalmem();
  return Math.max(1, Math.min(cores, Math.floor(memory / 1.5e9)));
}

// A build stopped from outside (Ctrl-C, a CI timeout's SIGTERM, a closed terminal) stops its compilers
// too, rather than leaving them writing into build/.
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    for (const c of running) {
      try {
        process.kill(-c.pid, sig);
      } catch {
        // already gone
      }
    }
    process.exit(128 + os.constants.signals[sig]);
  });
}

/** Runs cmake-js, keeping its whole output in build/build.log and passing each line to onLine. */
function cmakeJs(args, onLine) {
  fs.mkdirSync(buildDir, { recursive: true });
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`\n$ cmake-js ${args.join(' ')}\n`);
  // Its own process group, so that a signal to this script reaches the compilers too (see below).
  const child = spawn(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let pending = '';
  const feed = (chunk) => {
    log.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const l of lines) onLine(l);
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      if (pending) onLine(pending);
      log.end(() => resolve(code === 0));
    });
    child.on('error', (e) => {
      log.write(String(e));
      log.end(() => resolve(false));
    });
  });
}

const logTail = (n) => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-n) : []);

/**
 * The package layout (one unity batch per job: least CPU) for an installed package, which is built once;
 * the checkout layout (a precompiled header and batches of 4 files) in a git checkout, where a touched file
 * must rebuild quickly. GUMBEL_TORCH_UNITY=1/0 overrides. See cmake/BuildSpeed.cmake.
 */
function unityBuild() {
  const v = envSwitch('GUMBEL_TORCH_UNITY');
  return v ?? !fs.existsSync(path.join(root, '.git'));
}

/** An on/off environment variable: 1/true/on, 0/false/off, or unset/empty (undefined); anything else is refused. */
function envSwitch(name) {
  const v = (process.env[name] ?? '').trim().toLowerCase();
  if (v === '') return undefined;
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  fail([`${name}=${process.env[name]} is not understood: use 1 or 0 (or leave it unset).`]);
}

/** What rebuilds the addon where it is: npm's rebuild for an installed package, the script in a checkout. */
const rebuildCommand = () => (fs.existsSync(path.join(root, '.git')) ? 'npm run build:native' : 'npm rebuild gumbel-torch');
const addonFile = path.join(buildDir, 'Release', 'gumbel_torch.node');

/** The compiler's first errors (a unity batch can add hundreds more from the headers after them). */
function firstErrors() {
  const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
  const errors = lines.filter((l) => /\berror\b|FAILED:|undefined reference/.test(l) && !/ERROR OMG/.test(l));
  return errors.length ? errors.slice(0, 12) : logTail(40);
}

/**
 * Loads the addon in a child with every symbol bound at once: a function declared but defined nowhere
 * (node loads addons lazily) would otherwise kill the process at its first call, not here.
 */
function checkLoads() {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addonFile)})`], { encoding: 'utf8', env: { ...process.env, LD_BIND_NOW: '1' } });
  return r.status === 0 ? undefined : (r.stderr || r.stdout).split('\n').find((l) => /Error|undefined symbol/.test(l)) ?? `exit ${r.status}`;
}

function layoutFlags(jobs) {
  const unity = unityBuild();
  return [`--CDGT_PCH=${unity ? 'OFF' : 'ON'}`, `--CDGT_UNITY_BATCH=${unity ? 0 : 4}`, `--CDGT_JOBS=${jobs}`];
}

function configure(jobs) {
  const mode = layoutFlags(jobs);
  // CMake's own "-- gumbel-torch: ..." lines say what the search found and how the build is set up.
  return cmakeJs(['configure', '--out', 'build', ...mode], (l) => {
    const m = /^-- gumbel-torch: (.*)$/.exec(l);
    if (m) say(m[1]);
  });
}

/** Ninja prints [N/M] as each step ends, Make [ P%]; either becomes "done N of M: file". */
async function build(jobs) {
  let last = Date.now();
  let done = '';
  let errorLines = 0;
  // A file can take a minute on a busy machine: say so rather than look hung.
  const beat = setInterval(() => {
    if (Date.now() - last >= 20000) {
      say(`[${seconds()}] still compiling${done ? ` (${done} done)` : ''}`);
      last = Date.now();
    }
  }, 5000);
  const ok = await cmakeJs(['build', '--out', 'build', '--parallel', String(jobs)], (l) => {
    const m = /^\[\s*(\d+)(%|\/\d+)\] (Building \w+ object|Linking \w+ shared \w+) (.*)$/.exec(l);
    if (m) {
      last = Date.now();
      done = m[2] === '%' ? `${m[1]}%` : `${m[1]} of ${m[2].slice(1)}`;
      return say(`[${seconds()}] ${m[3].startsWith('Linking') ? 'linked' : 'compiled'} ${done}: ${shortName(m[4])}`);
    }
    if (/error:|Error \d|FAILED:/.test(l) && !/ERROR OMG/.test(l) && ++errorLines <= 12) process.stderr.write(l + (errorLines === 12 ? '\n(more errors in build/build.log)\n' : '\n'));
  });
  clearInterval(beat);
  return ok;
}

function shortName(target) {
  const m = /gumbel_torch\.dir\/(.*?)(\.o|\.gch)?$/.exec(target);
  if (!m) return target;
  return m[1].includes('cmake_pch') ? 'precompiled header (native/binding/pch.h)' : m[1];
}

/** Build tools absent from PATH, as Debian package names. */
function missingTools() {
  const have = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
  const out = [];
  if (!have('cmake')) out.push('cmake');
  if (!have('c++') && !have('g++')) out.push('g++');
  if (!have('ninja') && !have('make')) out.push('ninja-build');
  return out;
}

function isDebianLike() {
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

function aptInstall(pkgs) {
  say(`installing ${pkgs.join(' ')} with apt-get --no-install-recommends (running as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  return install();
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function readJson(name) {
  const f = path.join(buildDir, name);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined;
}

async function main() {
  if (envSwitch('GUMBEL_TORCH_SKIP_BUILD')) {
    say('GUMBEL_TORCH_SKIP_BUILD is set: not building the addon (build it later with: npm rebuild gumbel-torch)');
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.rmSync(logFile, { force: true });
  const tools = missingTools();
  if (tools.length) {
    if (isDebianLike() && isRoot) {
      if (!aptInstall(tools)) fail([`apt-get install --no-install-recommends ${tools.join(' ')} failed (see above).`]);
    } else {
      fail([`The build needs ${tools.join(', ')} (a C++ compiler, CMake and make or ninja); install them, then: npm rebuild gumbel-torch`]);
    }
  }
  // CMake looks for gloo's headers when it configures: without them the addon has no torch.distributed.
  if (isDebianLike() && dpkgInstalled('libtorch-dev') && !dpkgInstalled('libgloo-dev')) {
    if (isRoot) aptInstall(['libgloo-dev']);
    else say("warning: libgloo-dev is not installed: building without torch.distributed's Gloo backend (apt-get install libgloo-dev, delete build/, npm rebuild gumbel-torch)");
  }
  say(`building the native addon; full log in ${path.relative(process.cwd(), logFile) || logFile}`);
  // A configured build folder is reused (its build step reruns CMake when CMake files change) unless
  // the variables that steer the LibTorch search changed since.
  // The layout's cache variables are part of it: a folder configured with other ones is configured again.
  const searchEnv = JSON.stringify([...['LIBTORCH', 'Torch_DIR', 'CMAKE_PREFIX_PATH', 'GUMBEL_TORCH_UNITY'].map((k) => process.env[k] ?? null), layoutFlags(jobCount())]);
  const envFile = path.join(buildDir, 'search-env.json');
  const reuse = readJson('torch-info.json') && fs.existsSync(path.join(buildDir, 'CMakeCache.txt')) && fs.existsSync(envFile) && fs.readFileSync(envFile, 'utf8') === searchEnv;
  const jobs = jobCount();
  let ok = reuse || (await configure(jobs));
  const missing = readJson('torch-missing.json');
  if (!ok && missing) {
    say(`no LibTorch found (tried: ${missing.tried.join(', ')})`);
    if (isDebianLike() && isRoot) {
      if (!aptInstall(APT_PACKAGES)) fail([`apt-get install --no-install-recommends ${APT_PACKAGES.join(' ')} failed (see above).`]);
      ok = await configure(jobs);
    } else {
      fail([
        'No LibTorch was found. Do one of:',
        isDebianLike()
          ? `  sudo apt-get install --no-install-recommends ${APT_PACKAGES.join(' ')}    (then npm rebuild gumbel-torch)`
          : '  install LibTorch with your system package manager',
        '  export LIBTORCH=/path/to/libtorch               (a LibTorch folder)',
        '  export Torch_DIR=/path/to/share/cmake/Torch      (the folder holding TorchConfig.cmake)',
        '  or make a Python with torch importable as python3',
      ]);
    }
  }
  if (!ok) fail(['CMake could not configure the build:', ...logTail(40), `Full log: ${logFile}`]);
  fs.writeFileSync(envFile, searchEnv);
  const info = readJson('torch-info.json') ?? {};
  if (reuse) say(`LibTorch ${info.version} from ${info.via} (${info.dir}) (configured before; delete build/ to search again)`);
  if (info.via === 'system' && isDebianLike() && !dpkgInstalled('libopenblas0-pthread')) {
    if (isRoot) aptInstall(['libopenblas0-pthread']);
    else say('warning: libopenblas0-pthread is not installed; matrix products will use the slow reference BLAS (apt-get install libopenblas0-pthread)');
  }
  say(`[${seconds()}] configured; compiling with ${jobs} parallel job${jobs > 1 ? 's' : ''}`);
  // A failed build must not leave the previous addon behind to be loaded as if it were this code.
  if (!(await build(jobs))) {
    fs.rmSync(addonFile, { force: true });
    fail(['the compile failed (first errors):', ...firstErrors(), `Full log: ${logFile}`, `Rebuild with: ${rebuildCommand()}`]);
  }
  const unresolved = checkLoads();
  if (unresolved) {
    fs.rmSync(addonFile, { force: true });
    fail(['the addon was linked but does not load:', unresolved, `Rebuild with: ${rebuildCommand()}`]);
  }
  say(`[${seconds()}] built build/Release/gumbel_torch.node (LibTorch ${info.version}, ${info.via})`);
}

// Anything unexpected (a read-only folder, a full disk) is one clear line, not a stack trace.
main().catch((e) => fail([`${e.code ? `${e.code}: ` : ''}${e.message}`, `Rebuild with: ${rebuildCommand()}`]));
