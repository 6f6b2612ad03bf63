#!/usr/bin/env node
// The gumbel-torch command. `--version` answers from package.json alone, without loading LibTorch
// (it works where the addon is not built yet); everything else goes to main.ts.
import type * as Main from './main';
import { packageVersion } from './version';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  // Loaded only now: main.ts loads the native addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./main') as typeof Main).runCli();
}
