// Interrupts: SIGINT/SIGTERM (when the CLI asks for handlers) and an external AbortSignal
// abort the run's controller; the running step sees its signal aborted, the loop stops
// after it, and finally still runs.
import type { ActiveRun } from './active-run.js';

/** Starts listening; returns the function that stops. */
export function watchInterrupts(run: ActiveRun): () => void {
  const { options, events, progress, controller } = run;
  const onExternalAbort = () => {
    run.interrupted ??= 'aborted';
    controller.abort();
  };
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  const handlers: [NodeJS.Signals, () => void][] = [];
  if (options.handleSignals) {
    for (const sig of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
      const handler = () => {
        if (run.interrupted) return; // a second signal: keep running finally; `pipe recover` covers a kill -9
        run.interrupted = sig;
        events.emit('interrupt', { signal: sig });
        progress.note(`${sig}: stopping after the current step, then running finally steps`);
        controller.abort();
      };
      process.on(sig, handler);
      handlers.push([sig, handler]);
    }
  }
  return () => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
    options.signal?.removeEventListener('abort', onExternalAbort);
  };
}
