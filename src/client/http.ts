import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, type Writable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { checkOptions, type OptionTable } from './arguments.js';
import { cancelled, invalidArgument, KeelError, serverUrlProblem, writeChunksInto, writeToTarget, type ErrorCode, ERROR_CODES } from '../core/index.js';

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  /** Per-request timeout in ms (default 5 minutes: uploads and training can be long). */
  readonly timeoutMs?: number;
}

/** The client's options: a misspelt one (`timeout`, `baseURL`) is refused, not left without effect. timeoutMs's range is checked below. */
const CLIENT_OPTIONS: OptionTable<keyof ClientOptions> = { baseUrl: 'string', token: 'string', timeoutMs: 'number' };

/** The longest timer Node keeps (setTimeout's bound, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Query parameters; a list is sent as the parameter repeated. */
type Query = Record<string, string | number | readonly string[] | undefined>;

/** The HTTP transport every SDK part shares: JSON in and out, errors back into KeelErrors. */
export class HttpTransport {
  constructor(readonly options: ClientOptions) {
    const problem = serverUrlProblem(options?.baseUrl);
    if (problem !== undefined) throw invalidArgument('baseUrl', problem);
    checkOptions('options', options, CLIENT_OPTIONS);
    // Else a bad one failed every call as the server's UNAVAILABLE ('delay is out of range').
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
      throw invalidArgument('timeoutMs', `expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`);
    }
  }

  async request<T>(method: string, path: string, body?: unknown, init: { query?: Query; headers?: Record<string, string> } = {}): Promise<T> {
    const url = this.url(path, init.query);
    const headers = this.headers(init.headers);
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new KeelError('UNAVAILABLE', `cannot reach Keel server at ${this.options.baseUrl}: ${whyUnanswered(e)}`, { cause: e });
    }
    return this.result<T>(method, url, res.status, await res.text());
  }

  /**
   * Sends `source` (a file, or a multipart body of files) as the body, streamed with node:http: fetch kept every chunk of a
   * streamed body in memory until a late GC (a 358 MB upload peaked at 470 MB of RSS; this way, 76 MB).
   */
  async upload<T>(method: string, path: string, source: Readable, init: { query?: Query; signal?: AbortSignal; contentType?: string } = {}): Promise<T> {
    if (init.signal?.aborted) {
      source.destroy();
      throw cancelled('the upload', init.signal.reason);
    }
    const url = this.url(path, init.query);
    const headers = { ...this.headers(), 'content-type': init.contentType ?? 'application/octet-stream' };
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let failure: Error | undefined;
      let answered = false;
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers }, (res: IncomingMessage) => {
        // A server may answer (say, 400 for a bad name) before it has read the body: its answer counts.
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // The rest of a body the server did not wait for is not sent: the connection would hang on.
          if (!req.writableFinished) req.destroy();
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => (failure ??= e));
      req.on('close', () => {
        if (!answered) reject(failure ?? new Error('the connection closed without an answer'));
      });
      pipeline(source, req).catch((e: Error) => (failure ??= e));
      init.signal?.addEventListener('abort', () => req.destroy(cancelled('the upload', init.signal?.reason)), { once: true });
    }).catch((e: unknown) => {
      if (e instanceof KeelError) throw e;
      throw new KeelError('UNAVAILABLE', `upload to Keel server at ${this.options.baseUrl} failed: ${(e as Error).message}`, { cause: e });
    });
    return this.result<T>(method, url, status, text);
  }

  /**
   * GETs `path` into `dest`: a file path as writeToTarget writes it (a regular file or a new path
   * whole or not at all, a symlink's target, a FIFO or device in place), or a stream (stdout),
   * which stays open.
   */
  async download(path: string, dest: string | Writable): Promise<void> {
    const url = this.url(path);
    if (typeof dest !== 'string') return this.transfer(async () => writeChunksInto(await this.body(url), dest));
    await writeToTarget(dest, (file) => this.transfer(async () => pipeline(await this.body(url), createWriteStream(file))));
  }

  /** The body of a GET as bytes (a model's ONNX file), or the server's error. */
  async bytes(path: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    await this.transfer(async () => {
      for await (const chunk of await this.body(this.url(path))) chunks.push(chunk as Buffer);
    });
    return new Uint8Array(Buffer.concat(chunks));
  }

  /** The body of a GET, or the server's error. */
  private async body(url: URL): Promise<Readable> {
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers(), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new KeelError('UNAVAILABLE', `cannot reach Keel server at ${this.options.baseUrl}: ${whyUnanswered(e)}`, { cause: e });
    }
    if (!res.ok || !res.body) this.result('GET', url, res.ok ? 500 : res.status, await res.text());
    return Readable.fromWeb(res.body as unknown as WebReadableStream);
  }

  /** Runs a download; a failure of the transfer (not of a local file: those name the file) is the server's UNAVAILABLE. */
  private async transfer(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (e instanceof KeelError || (e as NodeJS.ErrnoException).syscall !== undefined) throw e;
      throw new KeelError('UNAVAILABLE', `download from Keel server at ${this.options.baseUrl} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 300_000;
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [k, v] of Object.entries(query)) {
      if (typeof v === 'object') for (const item of v) url.searchParams.append(k, item);
      else if (v !== undefined) url.searchParams.set(k, String(v));
    }
    return url;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { ...extra };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    return headers;
  }

  /** The JSON answer, or the server's KeelError rebuilt from its error body. */
  private result<T>(method: string, url: URL, status: number, text: string): T {
    const json = text.length > 0 ? safeParse(text) : undefined;
    if (status < 200 || status >= 300) {
      const err = (json as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      const code = (err?.code && err.code in ERROR_CODES ? err.code : codeOfStatus(status)) as ErrorCode;
      throw new KeelError(code, err?.message ?? `HTTP ${status} from ${method} ${url.pathname}`, err?.field ? { field: err.field } : {});
    }
    return json as T;
  }
}

/**
 * The code of an error answer without Keel's error body (a proxy or load balancer in front of the
 * server answered): a 502/503/504 is UNAVAILABLE, as when nothing answers, a 401/403 the caller's
 * credentials, and so on, so that it is not an INTERNAL error (exit 1, "a bug to report").
 */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 502 || status === 504) return 'UNAVAILABLE';
  // The status each code is answered with, where one code has it alone (409 is two).
  const codes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((c) => ERROR_CODES[c].http === status);
  return codes.length === 1 ? codes[0]! : 'INTERNAL';
}

/** fetch's own message is only 'fetch failed'; its cause says why (ECONNREFUSED, a host name not known, a reset). */
export function whyUnanswered(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { message?: unknown } | undefined) : undefined;
  const message = e instanceof Error ? e.message : String(e);
  return typeof cause?.message === 'string' ? `${message}: ${cause.message}` : message;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
