// `gumbel-torch train --nproc N`: starts N local workers, as `torchrun --standalone` (or, with
// --nnodes/--node-rank/--master-addr/--master-port, this machine's share of a multi-machine job).
// Each worker is the same `train` command under torchrun's environment variables; a command run
// under those variables (by torchrun, or by hand on each machine) joins the job directly.
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { destroyProcessGroup, initProcessGroup, isInitialized } from '../distributed/process-group';
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
// After a worker fails, the others get this long to notice and exit on their own.
const GRACE_MS = 30000;
const KILL_MS = 5000;

const count = (name: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

/** The distributed flags of `train`. */
export function addDistributedOptions(cmd: Command): Command {
  return cmd
    .option('--nproc <n>', 'start N worker processes on this machine (data-parallel, like torchrun --nproc-per-node)', count('nproc', 1))
    .option('--nnodes <n>', 'machines in the job (with --nproc)', count('nnodes', 1), 1)
    .option('--node-rank <n>', "this machine's index in the job (with --nproc)", count('node-rank', 0), 0)
    .option('--master-addr <host>', "rank 0's machine (with --nproc)", '127.0.0.1')
    .option('--master-port <port>', 'rendezvous port on rank 0 (with --nproc; default: a free port when --nnodes is 1)', count('master-port', 1))
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
  initProcessGroup({ backend: opts.backend ?? (wantsCuda ? 'nccl' : 'gloo'), timeout: opts.distTimeout * 1000 });
  // The launcher went away (killed): stop as Ctrl-C would, with a checkpoint.
  if (process.send && process.env.GUMBEL_TORCH_LAUNCHER) {
    process.on('disconnect', () => process.kill(process.pid, 'SIGINT'));
    process.channel?.unref();
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
  const workers: { rank: number; child: ChildProcess; exit?: { code: number | null; signal: NodeJS.Signals | null } }[] = [];
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
          say(`worker rank ${rank} (pid ${child.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; the others stop within ${GRACE_MS / 1000} s`);
          stopOthers();
        }
        if (!live().length) resolve();
      });
    }
    say(`workers: ${workers.map((w) => `rank ${w.rank} pid ${w.child.pid}`).join(', ')}`);
  });

  const stopOthers = (): void => {
    setTimeout(() => {
      for (const w of live()) w.child.kill('SIGTERM');
      setTimeout(() => live().forEach((w) => w.child.kill('SIGKILL')), KILL_MS).unref();
    }, GRACE_MS).unref();
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
