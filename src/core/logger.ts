import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level?: string;
  /** Where logs go; defaults to stderr so that stdout stays clean for `--json` output. */
  readonly destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: options.level ?? 'info', base: undefined }, options.destination ?? pino.destination(2));
}

/** Library code takes a logger; this one is silent, for tests and embedding. */
export const silentLogger: Logger = pino({ level: 'silent' });
