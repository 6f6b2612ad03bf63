// Which settings a resumed run may change. A resume continues the saved run: settings that shape the
// model or the data order must stay as saved (else it would train on with wrong results), settings
// that only steer the optimisation from here on (lr, temperature, epochs...) may change and are
// reported; settings not given explicitly are taken from the checkpoint.
import { TrainConfig } from './config';

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
export function planResume(saved: Partial<TrainConfig>, current: TrainConfig, explicit: ReadonlySet<string>, checkpoint: string): ResumePlan {
  const config = { ...current } as Record<string, unknown>;
  const refused: string[] = [];
  const changes: string[] = [];
  for (const [k, was] of Object.entries(saved)) {
    if (k === 'resume' || k === 'out') continue; // a CLI flag, and where the checkpoint is: not settings
    if (!explicit.has(k)) {
      config[k] = was; // continue with the saved setting
      continue;
    }
    const now = config[k];
    if (JSON.stringify(now) === JSON.stringify(was)) continue;
    (CHANGEABLE.has(k) ? changes : refused).push(`${k} ${show(was)} -> ${show(now)}`);
  }
  // A setting the saved run did not have (an older checkpoint) keeps its current value.
  for (const k of Object.keys(current)) if (!(k in saved) && k !== 'resume' && k !== 'out' && explicit.has(k) && !CHANGEABLE.has(k) && current[k as keyof TrainConfig] !== undefined) {
    refused.push(`${k} (not recorded) -> ${show(current[k as keyof TrainConfig])}`);
  }
  if (refused.length)
    throw new Error(`cannot resume from ${checkpoint}: these settings change the model or the data order of the saved run: ${refused.join('; ')}. ` +
      'Resume without them (the saved values are used), or start a new run in another --out folder.');
  return { config: config as unknown as TrainConfig, changes };
}
