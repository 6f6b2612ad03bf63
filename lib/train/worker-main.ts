// The worker thread of trainInWorker(): it loads the addon, owns the model and posts progress. The
// trainer yields to the event loop at each progress update, which is when a 'cancel' message lands.
import { parentPort, workerData } from 'node:worker_threads';
import { type TrainConfig } from './config';
import { Trainer } from './trainer';
import type { WorkerMessage } from './worker';

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { config, resume } = workerData as { config: Partial<TrainConfig>; resume: boolean };
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const trainer = new Trainer(config);
  const onMessage = (m: { type?: string }): void => {
    if (m?.type === 'cancel') trainer.requestStop();
  };
  port.on('message', onMessage);
  try {
    const { model, ...result } = await trainer.run(
      {
        onStart: (i) => post({ type: 'start', ...i }),
        onProgress: (p) => post({ type: 'progress', ...p }),
        onEpoch: (m) => post({ type: 'epoch', ...m }),
      },
      { resume },
    );
    model.dispose();
    post({ type: 'done', ...result });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', name: err.name, message: err.message });
  } finally {
    port.off('message', onMessage); // nothing keeps the thread alive: it ends
  }
}

if (parentPort) void main(parentPort);
