/**
 * The ports the CLI's servers listen on: a port another process holds is a KeelError that names
 * it and the flag that picks another, not Node's EADDRINUSE stack trace.
 */
import { createServer } from 'node:net';
import { KeelError } from '../core/index.js';

/** Where a server is to listen, and the flag that chose its port (named in the error). */
export interface PortChoice {
  readonly host: string;
  readonly port: number;
  readonly flag: string;
}

/** The error of a port that is taken, or undefined for another error. */
function portError(e: unknown, where: PortChoice): KeelError | undefined {
  if ((e as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return undefined;
  return new KeelError('FAILED_PRECONDITION', `port ${where.port} on ${where.host} is already in use (another keel server?); choose another with ${where.flag}`, { field: where.flag, cause: e });
}

/** Runs a server's listen, a taken port becoming portError's KeelError. */
export async function listenOn<T>(where: PortChoice, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    throw portError(e, where) ?? e;
  }
}

/**
 * Binds the port and lets it go again, so that work which ends in a listen (the quickstart trains
 * and registers a model first) fails before it starts, not after. Port 0 (any free one) passes.
 */
export async function assertPortFree(where: PortChoice): Promise<void> {
  if (where.port === 0) return;
  await listenOn(where, () => new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host: where.host, port: where.port, exclusive: true }, () => probe.close(() => resolve()));
  }));
}
