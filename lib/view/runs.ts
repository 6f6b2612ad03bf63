// The runs behind `gumbel-torch view [runs...]`: each argument is a run folder, or a folder of run
// folders (looked at again on every refresh, so runs started later appear). A run folder holds event
// files, or tb/ with them, or a run's outputs (checkpoint.pt, metrics.json) without them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunFolder } from './run-folder';

const hasEvents = (d: string): boolean => {
  try {
    return fs.readdirSync(d).some((f) => f.startsWith('events.out.tfevents.'));
  } catch {
    return false;
  }
};
const isRunDir = (d: string): boolean => hasEvents(d) || hasEvents(path.join(d, 'tb')) || fs.existsSync(path.join(d, 'tb')) || fs.existsSync(path.join(d, 'checkpoint.pt')) || fs.existsSync(path.join(d, 'metrics.json'));

export class RunSet {
  readonly #roots: string[];
  readonly #runs = new Map<string, RunFolder>();

  constructor(roots: readonly string[]) {
    this.#roots = roots.map((r) => path.resolve(r));
  }

  /** Finds new runs, refreshes all of them; a root or run that vanished stays listed with its reason. */
  refresh(): RunFolder[] {
    for (const root of this.#roots) {
      let subdirs: string[] = [];
      try {
        if (!isRunDir(root)) subdirs = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(root, e.name));
      } catch {
        // A root that does not exist (yet) is shown as a run with that error.
      }
      const found = subdirs.filter(isRunDir);
      for (const d of found.length ? found : [root]) this.#add(d, root);
    }
    const runs = [...this.#runs.values()];
    for (const r of runs) r.refresh();
    return runs;
  }

  #add(dir: string, root: string): void {
    if (this.#runs.has(dir)) return;
    const rel = path.relative(path.dirname(root), dir) || path.basename(dir);
    this.#runs.set(dir, new RunFolder(this.#runs.size, rel, dir));
  }

  /** A run by its id (the only way the page names a run: it never sends a path). */
  byId(id: number): RunFolder | undefined {
    return [...this.#runs.values()][id];
  }
}
