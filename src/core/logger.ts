import type pino from 'pino';
import { requireLazily } from './require-lazily.js';

/**
 * pino, loaded on the first logger made rather than when this module is: a worker thread's bundle,
 * which makes none, then starts without it (about 20 ms at each worker's start).
 */
const loadPino = (): typeof pino => requireLazily<typeof pino>('pino');

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level?: string;
  /** Where logs go; defaults to stderr so that stdout stays clean for `--json` output. */
  readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return loadPino()({ level: options.level ?? 'info', base: undefined }, options.destination ?? stderrOnFirstLine());
}

/**
 * stderr, through pino's own destination opened on the first line written. That destination
 * flushes at exit and then fsyncs its file descriptor: 0.1 s when stderr is a file, for every
 * command, though a command at the CLI's default level (warn) usually logs nothing. Once a line
 * is written it is pino's destination as before, flushed at exit and on a crash.
 */
function stderrOnFirstLine(): pino.DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  let destination: ReturnType<typeof pino.destination> | undefined;
  return {
    write: (line: string) => (destination ??= loadPino().destination(2)).write(line),
    flush: (cb?: (err?: Error) => void) => (destination ? destination.flush(cb) : cb?.()),
  };
}

/**
 * Library code takes a logger; this one is silent, for tests and embedding. It writes nowhere:
 * pino's default destination (stdout) would fsync stdout at exit, 0.1 s when it is a file.
 * Marked pure: a bundle that never uses it (a worker thread's) does not make it, nor load pino.
 */
export const silentLogger: Logger = /* @__PURE__ */ makeSilentLogger();

function makeSilentLogger(): Logger {
  return loadPino()({ level: 'silent' }, { write: () => undefined });
}
