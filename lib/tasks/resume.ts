// Which settings a resumed task run may change: those the options mark resumable (epochs, lr, device,
// a temperature...) change and are reported; any other one would change the model or the data the
// saved run was training, so a change is refused with every difference listed. Settings not given
// explicitly are the saved run's.
import { taskOptions } from './options';
import type { Task, TaskConfig } from './task';

const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));

export function planTaskResume(task: Task, saved: Partial<TaskConfig>, current: TaskConfig, explicit: ReadonlySet<string>, checkpoint: string): { config: TaskConfig; changes: string[] } {
  const opts = taskOptions(task);
  const config: Record<string, unknown> = { ...current };
  const refused: string[] = [];
  const changes: string[] = [];
  for (const o of opts) {
    if (o.name === 'out') continue; // where the checkpoint is, not a setting of the run
    const was = (saved as Record<string, unknown>)[o.name];
    const now = current[o.name];
    if (!explicit.has(o.name)) {
      // The saved value; one the saved run did not record (an older task version) keeps the default.
      if (o.name in saved) config[o.name] = was;
      continue;
    }
    if (JSON.stringify(now) === JSON.stringify(was)) continue;
    (o.resumable ? changes : refused).push(`${o.name} ${show(was)} -> ${show(now)}`);
  }
  if (refused.length)
    throw new Error(`cannot resume from ${checkpoint}: these settings change the model or the data of the saved run: ${refused.join('; ')}. Resume without them (the saved values are used), or start a new run in another --out folder.`);
  return { config: config as TaskConfig, changes };
}
