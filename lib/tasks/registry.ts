// The tasks `gumbel-torch train --task <name>` runs through the generic runner (lib/tasks/runner.ts).
// The Categorical VAE ('vae', the default) keeps its own trainer (lib/train/trainer.ts).
import { jigsawTask } from './jigsaw/task';
import { knnTask } from './knn/task';
import { nriTask } from './nri/task';
import type { Task } from './task';

export const TASKS: Readonly<Record<string, Task>> = {
  nri: nriTask,
  knn: knnTask,
  jigsaw: jigsawTask,
};
