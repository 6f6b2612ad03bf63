// Ctrl-C and SIGTERM (kill, systemd, Docker and CI send it) during training: the first asks the loop to
// finish its step and write a checkpoint, a second quits at once. Shared by train and train --task.

/** Installs the handlers: `before` runs first (stop a progress bar), then `stop`. Returns their removal. */
export function onStopSignals(stop: () => void, before: () => void = () => undefined): () => void {
  let interrupts = 0;
  const handler = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write('\nInterrupted twice: exiting without a checkpoint.\n');
      process.exit(sig === 'SIGTERM' ? 143 : 130);
    }
    before();
    const what = sig === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C';
    process.stderr.write(`\n${what}: finishing the current step and writing a checkpoint (${what === 'SIGTERM' ? 'a second signal' : 'Ctrl-C again'} quits at once)...\n`);
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
