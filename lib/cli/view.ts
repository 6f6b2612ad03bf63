// gumbel-torch view [runs...]: the local run page (lib/view), open until Ctrl-C.
import { type Command, InvalidArgumentError } from 'commander';
import { startViewServer } from '../view/server';
import { parseCliInt } from './parse-number';

export interface ViewCliOptions {
  host: string;
  port: number;
  points: number;
}

const port = (v: string): number => {
  const n = parseCliInt(v);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be an integer from 0 (any free port) to 65535');
  return n;
};
const points = (v: string): number => {
  const n = parseCliInt(v);
  if (!Number.isSafeInteger(n) || n < 10 || n > 100000) throw new InvalidArgumentError('points must be an integer from 10 to 100000');
  return n;
};

/** Serves the page until SIGINT/SIGTERM; resolves with the exit status. */
export async function view(runs: string[], opts: ViewCliOptions): Promise<number> {
  const server = await startViewServer(runs.length ? runs : ['runs'], { host: opts.host, port: opts.port, points: opts.points });
  process.stdout.write(`gumbel-torch view: ${server.url} (runs: ${(runs.length ? runs : ['runs']).join(', ')}; Ctrl-C to stop)\n`);
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1') process.stderr.write(`gumbel-torch view: listening on ${opts.host}: anyone who can reach it sees these runs\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

export function addViewCommand(program: Command, done: (code: number) => void): void {
  program
    .command('view')
    .description('a local web page of runs: curves that update while training (several runs overlaid, smoothing, log scale), pictures per epoch, settings side by side; from the event files of train --tensorboard')
    .argument('[runs...]', 'run folders (train --out), or folders of run folders', ['runs'])
    .option('--host <host>', 'address to listen on (only this machine by default)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', port, 6006)
    .option('--points <n>', 'points per curve at most (downsampled on the server)', points, 1000)
    .action(async (runs: string[], o: ViewCliOptions) => {
      done(await view(runs, o));
    });
}
