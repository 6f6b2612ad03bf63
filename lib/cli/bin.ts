#!/usr/bin/env node
// The gumbel-torch command. `--version` answers from package.json alone, without loading LibTorch
// (it works where the addon is not built yet); everything else goes to main.ts.
import type * as Main from './main';
import { packageVersion } from './version';

const args = process.argv.slice(2);
const asksVersion = args.some((a) => a === '--version' || a === '-V');
if (asksVersion && args.length === 1) {
  process.stdout.write(`${packageVersion()}\n`);
} else if (asksVersion && !args.includes('--')) {
  // `--version extra` would print the version and ignore the rest: say so instead, as other stray words are.
  process.stderr.write(`error: --version takes no other arguments (got: ${args.join(' ')})\n`);
  process.exitCode = 1;
} else {
  // Loaded only now: main.ts loads the native addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./main') as typeof Main).runCli();
}
