import { KeelError, type ErrorCode, ERROR_CODES } from '../core/index.js';

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  /** Per-request timeout in ms (default 5 minutes: uploads and training can be long). */
  readonly timeoutMs?: number;
}

/** The HTTP transport every SDK part shares: JSON in and out, errors back into KeelErrors. */
export class HttpTransport {
  constructor(readonly options: ClientOptions) {}

  async request<T>(method: string, path: string, body?: unknown, init: { query?: Record<string, string | number | undefined>; raw?: Uint8Array; headers?: Record<string, string> } = {}): Promise<T> {
    const url = new URL(path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: BodyInit | undefined;
    if (init.raw) {
      payload = init.raw as unknown as BodyInit;
      headers['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000) });
    } catch (e) {
      throw new KeelError('UNAVAILABLE', `cannot reach Keel server at ${this.options.baseUrl}: ${(e as Error).message}`, { cause: e });
    }
    const text = await res.text();
    const json = text.length > 0 ? safeParse(text) : undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
      const code = (err?.code && err.code in ERROR_CODES ? err.code : res.status === 404 ? 'NOT_FOUND' : 'INTERNAL') as ErrorCode;
      throw new KeelError(code, err?.message ?? `HTTP ${res.status} from ${method} ${url.pathname}`, err?.field ? { field: err.field } : {});
    }
    return json as T;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
