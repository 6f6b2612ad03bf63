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
  #cursor = 0;

  constructor(roots: readonly string[]) {
    this.#roots = roots.map((r) => path.resolve(r));
  }

  /** Finds new runs (a root or run that vanished stays listed with its reason). */
  discover(): RunFolder[] {
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
    return this.list();
  }

  list(): RunFolder[] {
    return [...this.#runs.values()];
  }

  /**
   * Reads what the runs' files gained, `budget` bytes at most, going round the runs so that all of
   * them fill in together; whether bytes are left for another call.
   */
  refresh(budget = Infinity): boolean {
    const runs = this.list();
    let left = budget;
    for (let i = 0; i < runs.length; i++) {
      const r = runs[(this.#cursor + i) % runs.length];
      left -= r.refresh(Math.max(0, left));
    }
    this.#cursor = (this.#cursor + 1) % Math.max(1, runs.length);
    return runs.some((r) => r.pending);
  }

  #add(dir: string, root: string): void {
    if (this.#runs.has(dir)) return;
    const rel = path.relative(path.dirname(root), dir) || path.basename(dir);
    this.#runs.set(dir, new RunFolder(this.#runs.size, rel, dir));
  }

  /** A run by its id (the only way the page names a run: it never sends a path). */
  byId(id: number): RunFolder | undefined {
    return this.list()[id];
  }
}
