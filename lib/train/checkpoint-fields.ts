// Reading a checkpoint dict's entries with errors that name the file and the entry: shared by the
// VAE's training checkpoint (lib/train/checkpoint.ts) and the tasks' (lib/tasks/checkpoint.ts).
import type { Loaded } from '../serialize';
import { Tensor } from '../tensor';

export type Dict = { [k: string]: Loaded };
export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor);

export interface CheckpointFields {
  fail(file: string, what: string): never;
  json(file: string, ck: Dict, key: string): unknown;
  count(file: string, ck: Dict, key: string): number;
}

/** `kind` names the checkpoint in errors ('training', 'task'). */
export function checkpointFields(kind: string): CheckpointFields {
  const fail = (file: string, what: string): never => {
    throw new Error(`${file}: not a valid gumbel-torch ${kind} checkpoint: ${what}`);
  };
  return {
    fail,
    json(file, ck, key) {
      const s = ck[key];
      if (typeof s !== 'string') fail(file, `'${key}' must be a JSON string`);
      try {
        return JSON.parse(s as string);
      } catch (e) {
        return fail(file, `'${key}' is not valid JSON (${(e as Error).message})`);
      }
    },
    count(file, ck, key) {
      const v = ck[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(file, `'${key}' must be a non-negative integer`);
      return v as number;
    },
  };
}
