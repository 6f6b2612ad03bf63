// `gumbel-torch train --nproc N`: starts N local workers, as `torchrun --standalone` (or, with
// --nnodes/--node-rank/--master-addr/--master-port, this machine's share of a multi-machine job).
// Each worker is the same `train` command under torchrun's environment variables; a command run
// under those variables (by torchrun, or by hand on each machine) joins the job directly.
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { destroyProcessGroup, initProcessGroup, isInitialized } from '../distributed/process-group';
import { callNative } from '../native';
import { cuda } from '../runtime';

export interface LaunchOptions {
  nproc?: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort?: number;
  backend?: 'gloo' | 'nccl';
  distTimeout: number;
  device?: string;
}

const LAUNCHER_FLAGS = ['--nproc', '--nnodes', '--node-rank', '--master-addr', '--master-port'];
// After a worker of a formed group fails, the others get this long to notice (their heartbeat sees it
// within seconds) and exit with their own message; before the group forms they would wait for the
// rendezvous timeout, so they are stopped at once.
const GRACE_MS = 10000;
const KILL_MS = 5000;
// A worker's message to the launcher once the whole group has formed.
const JOINED = 'gumbel-torch:joined';

const count = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(max < Number.MAX_SAFE_INTEGER ? `${name} must be an integer in ${min}..${max}` : `${name} must be an integer >= ${min}`);
  return n;
};

/**
 * The most workers one machine is asked to start: 4 per core (oversubscribed CPU jobs still run)
 * and about 300 MB of memory each (a worker holds LibTorch, the data and a model), at least 2.
 */
export function maxLocalWorkers(): number {
  return Math.max(2, Math.min(4 * os.availableParallelism(), Math.floor(os.totalmem() / (300 * 2 ** 20))));
}
const nprocArg = (v: string): number => {
  const max = maxLocalWorkers();
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('nproc must be an integer >= 1');
  if (n > max) throw new InvalidArgumentError(`nproc ${n} is more workers than this machine can run: at most ${max} (4 per CPU core, about 300 MB of memory each)`);
  return n;
};

/** The distributed flags of `train`. */
export function addDistributedOptions(cmd: Command): Command {
  return cmd
    .option('--nproc <n>', 'start N worker processes on this machine (data-parallel, like torchrun --nproc-per-node)', nprocArg)
    .option('--nnodes <n>', 'machines in the job (with --nproc)', count('nnodes', 1), 1)
    .option('--node-rank <n>', "this machine's index in the job (with --nproc)", count('node-rank', 0), 0)
    .option('--master-addr <host>', "rank 0's machine (with --nproc)", '127.0.0.1')
    .option('--master-port <port>', 'rendezvous port on rank 0 (with --nproc; default: a free port when --nnodes is 1)', count('master-port', 1, 65535))
    .addOption(new Option('--backend <b>', 'distributed backend (default: nccl on CUDA, else gloo)').choices(['gloo', 'nccl']))
    .option('--dist-timeout <s>', 'seconds to wait for other ranks at start and in each collective', count('dist-timeout', 1), 1800);
}

/** The worker's command line: the launcher's, less the launcher's own flags. */
export function workerArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (LAUNCHER_FLAGS.includes(a)) i++;
    else if (!LAUNCHER_FLAGS.some((f) => a.startsWith(f + '='))) out.push(a);
  }
  return out;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs `train` as this invocation asks: as the launcher of --nproc workers, as one worker of a job
 * when torchrun's variables are set, or alone.
 */
export async function runTrain(opts: LaunchOptions, argv: string[], train: () => Promise<number>): Promise<number> {
  const underJob = process.env.WORLD_SIZE !== undefined;
  // Before any worker starts: the backend would otherwise blame a missing NCCL.
  if ((opts.nproc !== undefined || underJob) && opts.device?.startsWith('cuda') && !cuda.isAvailable()) {
    throw new Error(`--device ${opts.device}: CUDA is not available in this build or on this machine (torch.diagnostics() says why); use --device cpu`);
  }
  if (opts.nproc !== undefined) {
    if (underJob) throw new Error('--nproc starts the workers itself; under torchrun (WORLD_SIZE is set) leave it out');
    return launch(opts, workerArgs(argv.slice(2)));
  }
  for (const f of ['nnodes', 'nodeRank', 'masterPort'] as const) {
    const dflt = f === 'masterPort' ? undefined : f === 'nnodes' ? 1 : 0;
    if (opts[f] !== dflt) throw new Error(`--${f.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} needs --nproc`);
  }
  if (!underJob) return train();
  return work(opts, train);
}

// One rank of a job: join, train, leave. The group is joined before train() installs its Ctrl-C
// handler, so Ctrl-C still ends a worker that waits for missing ranks.
async function work(opts: LaunchOptions, train: () => Promise<number>): Promise<number> {
  const wantsCuda = opts.device === undefined || opts.device === 'auto' ? cuda.isAvailable() : opts.device.startsWith('cuda');
  // A killed launcher (or a closed `| tee`) closes this worker's output pipes: writing there must
  // not end the worker before it has stopped with the others and written the checkpoint.
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  const launcher = Number(process.env.GUMBEL_TORCH_LAUNCHER);
  if (process.send && launcher > 0) {
    // Until the group forms, a worker dies with its launcher (the kernel's parent-death signal):
    // the rendezvous blocks this thread, so nothing in JS could notice the launcher go.
    if (!callNative('setParentDeathSignal', [os.constants.signals.SIGKILL, launcher])) process.exit(1);
  }
  initProcessGroup({ backend: opts.backend ?? (wantsCuda ? 'nccl' : 'gloo'), timeout: opts.distTimeout * 1000 });
  // The launcher went away (killed): stop as Ctrl-C would, with a checkpoint.
  if (process.send && launcher > 0) {
    callNative('setParentDeathSignal', [0, launcher]); // from here on, the disconnect below stops it gracefully
    process.send(JOINED, undefined, {}, () => undefined); // errors (a gone launcher) are handled below
    process.on('disconnect', () => process.kill(process.pid, 'SIGINT'));
    process.channel?.unref();
    if (!process.connected) process.kill(process.pid, 'SIGINT'); // it went away while the group formed
  }
  try {
    return await train();
  } finally {
    if (isInitialized()) destroyProcessGroup();
  }
}

async function launch(opts: LaunchOptions, args: string[]): Promise<number> {
  const nproc = opts.nproc as number;
  if (opts.nodeRank >= opts.nnodes) throw new Error(`--node-rank must be below --nnodes (${opts.nnodes}), got ${opts.nodeRank}`);
  if (opts.nnodes > 1 && opts.masterPort === undefined) throw new Error('--nnodes > 1 needs --master-port (and --master-addr: the machine of node rank 0)');
  const port = opts.masterPort ?? (await freePort(opts.masterAddr));
  const world = opts.nnodes * nproc;
  // As torchrun: share the cores between the workers unless told otherwise.
  const threads = process.env.OMP_NUM_THREADS ?? String(Math.max(1, Math.floor(os.availableParallelism() / nproc)));
  const main = path.join(__dirname, 'main.js');
  const workers: { rank: number; child: ChildProcess; joined?: boolean; exit?: { code: number | null; signal: NodeJS.Signals | null } }[] = [];
  let failed: (typeof workers)[number] | undefined;
  let interrupts = 0;
  const live = (): typeof workers => workers.filter((w) => !w.exit);
  const say = (s: string): void => void process.stderr.write(`gumbel-torch launch: ${s}\n`);

  say(`${nproc} worker(s) on this machine, ranks ${opts.nodeRank * nproc}..${opts.nodeRank * nproc + nproc - 1} of ${world}, rendezvous ${opts.masterAddr}:${port}, OMP_NUM_THREADS=${threads}`);
  const done = new Promise<void>((resolve) => {
    for (let local = 0; local < nproc; local++) {
      const rank = opts.nodeRank * nproc + local;
      const env = {
        ...process.env,
        RANK: String(rank),
        LOCAL_RANK: String(local),
        WORLD_SIZE: String(world),
        LOCAL_WORLD_SIZE: String(nproc),
        GROUP_RANK: String(opts.nodeRank),
        MASTER_ADDR: opts.masterAddr,
        MASTER_PORT: String(port),
        OMP_NUM_THREADS: threads,
        GUMBEL_TORCH_LAUNCHER: String(process.pid),
      };
      // Rank 0 speaks for the job on this terminal; the others' errors come through prefixed.
      // Workers get their own process group so that a terminal's Ctrl-C reaches them once, from here.
      const child = spawn(process.execPath, [...process.execArgv, main, ...args], {
        env,
        stdio: ['ignore', rank === 0 ? 'inherit' : 'ignore', rank === 0 ? 'inherit' : 'pipe', 'ipc'],
        detached: true,
      });
      const w: (typeof workers)[number] = { rank, child };
      workers.push(w);
      child.on('message', (m) => {
        if (m === JOINED) w.joined = true;
      });
      let partial = '';
      child.stderr?.setEncoding('utf8').on('data', (s: string) => {
        const lines = (partial + s).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) process.stderr.write(`[rank ${rank}] ${l}\n`);
      });
      child.on('exit', (code, signal) => {
        if (partial) process.stderr.write(`[rank ${rank}] ${partial}\n`);
        w.exit = { code, signal };
        if ((code !== 0 || signal) && !failed && interrupts === 0) {
          failed = w;
          // Until every local worker has joined, the group has not formed: the others wait in the rendezvous.
          const grace = workers.every((o) => o.joined) ? GRACE_MS : 0;
          say(`worker rank ${rank} (pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; ${grace ? `the others stop within ${grace / 1000} s` : 'stopping the others (the group had not formed)'}`);
          stopOthers(grace);
        }
        if (!live().length) resolve();
      });
    }
    say(`workers: ${workers.map((w) => `rank ${w.rank} pid ${w.child.pid}`).join(', ')}`);
  });

  const stopOthers = (grace: number): void => {
    setTimeout(() => {
      for (const w of live()) w.child.kill('SIGTERM');
      setTimeout(() => live().forEach((w) => w.child.kill('SIGKILL')), KILL_MS).unref();
    }, grace).unref();
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    for (const w of live()) w.child.kill(sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const bad = workers.find((w) => w.exit?.code !== 0);
  if (!bad) return 0;
  if (failed) say(`job failed: worker rank ${failed.rank} ${failed.exit?.signal ? `was killed by ${failed.exit.signal}` : `exited with code ${failed.exit?.code}`}`);
  return bad.exit?.code ?? 1;
}
