/**
 * Flush on the way out: beforeExit (the loop ran dry), and SIGINT/SIGTERM, after which the
 * signal's default action is restored and re-raised so the process still ends as asked.
 */
export function attachExitHooks(flush: () => Promise<void>): () => void {
  // A flush that fails here has no caller left to tell: Node's warning (on stderr) says the points are lost.
  const onBeforeExit = (): void => void flush().catch((e: unknown) => {
    process.emitWarning(`metric points logged through the Keel SDK were not sent before the process ended: ${e instanceof Error ? e.message : String(e)}`, { code: 'KEEL_METRICS_NOT_SENT' });
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    detach();
    const done = (): void => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    flush().then(done, done);
  };
  const detach = (): void => {
    process.off('beforeExit', onBeforeExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('beforeExit', onBeforeExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return detach;
}
