/**
 * The ports the CLI's servers listen on: a listen that fails (a port another process holds, one
 * this user may not open, an address this machine does not have) is a one-line KeelError that names
 * the host, the port, the cause and the flag that picks another, not Node's stack trace.
 */
import { createServer, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
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

/**
 * The port to listen on: `where`, or any free one (port 0) when `where` is a default the user did
 * not choose and another process holds it (`onTaken` says so). A port the user chose stays an error.
 */
export async function portOrFree(where: PortChoice, isDefault: boolean, onTaken: (where: PortChoice) => void): Promise<PortChoice> {
  try {
    await assertPortFree(where);
    return where;
  } catch (e) {
    const taken = (e as { cause?: NodeJS.ErrnoException }).cause?.code === 'EADDRINUSE';
    if (!isDefault || !taken) throw e;
    onTaken(where);
    return { ...where, port: 0 };
  }
}

/** Where a server listens, said to its user: Fastify names 127.0.0.1 for 0.0.0.0, which hid that the whole network could reach it. */
export interface ListenAddress {
  /** A URL that reaches the server from this machine (for the quickstart's own requests). */
  readonly url: string;
  /** The URL to give a user: for all addresses, one other machines can use. */
  readonly shown: string;
  /** What the server listens on, for the line that announces it. */
  readonly where: string;
  /** The same, short: the URL, or the port on all addresses. */
  readonly bound: string;
  /** Reachable beyond this machine: not on a loopback address. */
  readonly exposed: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

/** `0.0.0.0` and `::` (in any spelling) listen on every address of this machine. */
function isUnspecified(host: string): boolean {
  return host === '0.0.0.0' || (isIPv6(host) && /^[0:]+$/.test(host));
}

/** The listen's address as a user is to read it, from the host asked for and the URL the listen returned. */
export function listenAddress(host: string, listened: string): ListenAddress {
  const url = new URL(listened);
  if (!isUnspecified(host)) {
    return { url: listened, shown: listened, where: listened, bound: listened, exposed: !LOOPBACK.test(url.hostname) };
  }
  const ipv6 = host !== '0.0.0.0';
  const port = url.port;
  const local = `http://${ipv6 ? '[::1]' : '127.0.0.1'}:${port}`;
  const example = networkAddress(ipv6);
  const shown = example ? `http://${isIPv6(example) ? `[${example}]` : example}:${port}` : local;
  return { url: local, shown, where: `all addresses of this machine (${host}), port ${port}, e.g. ${shown}`, bound: `port ${port} of all addresses (${host})`, exposed: true };
}

/** This machine's first address on a network (IPv4 first; `::` takes both on a dual-stack host). */
function networkAddress(ipv6: boolean): string | undefined {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal);
  const v4 = all.find((a) => a.family === 'IPv4');
  const v6 = all.find((a) => a.family === 'IPv6' && !a.address.startsWith('fe80:'));
  return (v4 ?? (ipv6 ? v6 : undefined))?.address;
}

/** One line for a platform API that others can reach: the embedded authorizer lets every caller do everything. */
export function exposedApiWarning(a: ListenAddress): string {
  return `the API listens on ${a.bound}, which other machines can reach, and has no authentication yet: anyone who reaches it may read, change and delete everything in this store (docs/configuration.md); --host 127.0.0.1 keeps it on this machine`;
}

/** One line for a model server that others can reach: it has no authentication at all. */
export function exposedServingWarning(a: ListenAddress): string {
  return `the model server listens on ${a.bound}, which other machines can reach, and has no authentication: anyone who reaches it may call its models and read /metrics; --host 127.0.0.1 keeps it on this machine`;
}
