/**
 * The ports the CLI's servers listen on: a listen that fails (a port another process holds, one
 * this user may not open, an address this machine does not have) is a one-line KeelError that names
 * the host, the port, the cause and the flag that picks another, not Node's stack trace.
 */
import { createServer } from 'node:net';
import { KeelError, invalidArgument, type ErrorCode } from '../core/index.js';

/** Where a server is to listen, and the flag that chose its port (named in the error). */
export interface PortChoice {
  readonly host: string;
  readonly port: number;
  readonly flag: string;
}

/** The flag of the address to bind; every server command calls it --host. */
const HOST_FLAG = '--host';

interface ListenFailure {
  readonly code: ErrorCode;
  /** What went wrong, said after "port P on H". */
  readonly cause: (where: PortChoice) => string;
  /** Which of the two flags would change it. */
  readonly change: 'port' | 'host';
}

/** Node's codes of a failed bind or host lookup; others keep Node's own words. */
const LISTEN_FAILURES: Readonly<Record<string, ListenFailure>> = {
  EADDRINUSE: { code: 'FAILED_PRECONDITION', cause: () => 'is already in use (another keel server?)', change: 'port' },
  EACCES: { code: 'PERMISSION_DENIED', cause: () => 'may not be opened by this user (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability)', change: 'port' },
  EADDRNOTAVAIL: { code: 'INVALID_ARGUMENT', cause: (w) => `cannot be bound: ${w.host} is not an address of this machine`, change: 'host' },
  EAFNOSUPPORT: { code: 'INVALID_ARGUMENT', cause: (w) => `cannot be bound: this machine does not support ${w.host}'s kind of address (IPv6 turned off?)`, change: 'host' },
  ENOTFOUND: { code: 'INVALID_ARGUMENT', cause: (w) => `cannot be bound: the host name ${w.host} is not known`, change: 'host' },
};

/** The syscalls whose errors are the listen's own; any other error (a model that fails to load) passes. */
const LISTEN_SYSCALLS = new Set(['listen', 'bind', 'getaddrinfo']);

/** The error of a listen that failed, or undefined for an error of something else. */
function listenError(e: unknown, where: PortChoice): KeelError | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ERR_SOCKET_BAD_PORT') return invalidArgument(where.flag, `expected a port number from 0 to 65535, got ${where.port}`, e);
  if (typeof err?.code !== 'string' || !LISTEN_SYSCALLS.has(err.syscall ?? '')) return undefined;
  const known = LISTEN_FAILURES[err.code];
  const flag = known?.change === 'host' ? HOST_FLAG : where.flag;
  const cause = known ? known.cause(where) : `cannot be bound (${err.message})`;
  const change = known ? `choose another with ${flag}` : `check ${HOST_FLAG} and ${where.flag}`;
  return new KeelError(known?.code ?? 'FAILED_PRECONDITION', `port ${where.port} on ${where.host} ${cause}; ${change}`, { field: flag, cause: e });
}

/** Runs a server's listen, a failed bind becoming listenError's KeelError. */
export async function listenOn<T>(where: PortChoice, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    throw listenError(e, where) ?? e;
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
