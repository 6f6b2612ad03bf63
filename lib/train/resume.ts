// Which settings a resumed run may change. A resume continues the saved run: settings that shape the
// model or the data order must stay as saved (else it would train on with wrong results), settings
// that only steer the optimisation from here on (lr, temperature, epochs...) may change and are
// reported; settings not given explicitly are taken from the checkpoint.
import { type TrainConfig } from './config';

/** Settings a resume may change; every other setting (model shape, data, batch order) must match. */
const CHANGEABLE: ReadonlySet<string> = new Set<keyof TrainConfig>(['epochs', 'lr', 'temp', 'annealRate', 'annealEvery', 'tauMin', 'hard', 'device', 'logEvery', 'out', 'fastLinear', 'fast']);

export interface ResumePlan {
  config: TrainConfig;
  /** Human-readable 'lr 0.001 -> 0.0005' lines for the settings that changed. */
  changes: string[];
}

const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));

/**
 * Merges the saved run's settings with the current ones. `explicit` names the settings the user
 * gave (the CLI's flags); the rest come from the checkpoint. Throws listing every setting that
 * may not change.
 */
export function planResume(saved: Partial<TrainConfig>, current: TrainConfig, explicit: ReadonlySet<string>, checkpoint: string, at: { midEpoch: boolean } = { midEpoch: true }): ResumePlan {
  const config: Record<string, unknown> = { ...current };
  const refused: string[] = [];
  const changes: string[] = [];
  const world = worldSizeChange(saved.worldSize ?? 1, current.worldSize ?? 1, at.midEpoch);
  (world.refused ? refused : changes).push(...(world.line ? [world.line] : []));
  for (const [k, was] of Object.entries(saved)) {
    if (k === 'resume' || k === 'out' || k === 'worldSize') continue; // a CLI flag, where the checkpoint is, and the job's size (above): not settings
    if (!explicit.has(k)) {
      config[k] = was; // continue with the saved setting
      continue;
    }
    const now = config[k];
    if (JSON.stringify(now) === JSON.stringify(was)) continue;
    (CHANGEABLE.has(k) ? changes : refused).push(`${k} ${show(was)} -> ${show(now)}`);
  }
  // A setting the saved run did not have (an older checkpoint) keeps its current value.
  for (const k of Object.keys(current)) if (!(k in saved) && k !== 'resume' && k !== 'out' && k !== 'worldSize' && explicit.has(k) && !CHANGEABLE.has(k) && current[k as keyof TrainConfig] !== undefined) {
    refused.push(`${k} (not recorded) -> ${show(current[k as keyof TrainConfig])}`);
  }
  if (refused.length)
    throw new Error(`cannot resume from ${checkpoint}: these settings change the model or the data order of the saved run: ${refused.join('; ')}. ` +
      `${refused.length > (world.refused ? 1 : 0) ? 'Resume without them (the saved values are used)' : 'Resume as the saved job'}, or start a new run in another --out folder.`);
  // The saved values replace the current ones key by key (both are TrainConfig's keys).
  return { config: { ...current, ...config }, changes };
}

/**
 * A job's size is not a flag: it is whatever the resumed run runs as. Mid-epoch the saved order and
 * sums belong to the saved world size's shards, so a change is refused; at an epoch boundary the next
 * epoch's order is drawn afresh (every image once), so a change only alters the batch per step.
 */
function worldSizeChange(was: number, now: number, midEpoch: boolean): { line?: string; refused: boolean } {
  if (was === now) return { refused: false };
  const line = `worldSize ${was} -> ${now}`;
  if (midEpoch) return { line: `${line} (the checkpoint is mid-epoch: its data order and sums belong to ${was} process(es); resume it as a job of ${was} process(es))`, refused: true };
  return { line: `${line} (from this epoch on: each optimizer step now takes ${now} batches)`, refused: false };
}
