import { KeelError, type ErrorCode } from '../core/index.js';
import { codeOfStatus, whyUnanswered, type HttpTransport } from './http.js';

/** MLflow's error_code names back to Keel's codes. */
const FROM_MLFLOW: Readonly<Record<string, ErrorCode>> = {
  INVALID_PARAMETER_VALUE: 'INVALID_ARGUMENT',
  MALFORMED_REQUEST: 'INVALID_ARGUMENT',
  BAD_REQUEST: 'INVALID_ARGUMENT',
  RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
  RESOURCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_STATE: 'FAILED_PRECONDITION',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  REQUEST_LIMIT_EXCEEDED: 'RESOURCE_EXHAUSTED',
  TEMPORARILY_UNAVAILABLE: 'UNAVAILABLE',
};

/**
 * JSON calls to the MLflow-compatible routes (`/api/2.0/mlflow/...`), on the SDK's transport
 * settings. Their error body is MLflow's `{error_code, message}`, mapped back to a KeelError.
 */
export async function mlflowCall<T>(http: HttpTransport, method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}): Promise<T> {
  const base = http.options.baseUrl.endsWith('/') ? http.options.baseUrl : `${http.options.baseUrl}/`;
  const url = new URL(`api/2.0/mlflow/${path}`, base);
  const headers: Record<string, string> = {};
  if (http.options.token) headers.authorization = `Bearer ${http.options.token}`;
  let body: string | undefined;
  if (method === 'GET') {
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
  } else {
    body = JSON.stringify(params);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(http.options.timeoutMs ?? 300_000) });
  } catch (e) {
    // Why, as every other call says it ('fetch failed: connect ECONNREFUSED ...'), not 'fetch failed' alone.
    throw new KeelError('UNAVAILABLE', `cannot reach Keel server at ${http.options.baseUrl}: ${whyUnanswered(e)}`, { cause: e });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page): the error says the status, as HttpTransport's does, not the page.
    json = {};
  }
  if (!res.ok) {
    const err = json as { error_code?: string; message?: string; field?: string };
    // Without MLflow's error_code (a proxy answered): the status's code (401 UNAUTHENTICATED, 502 UNAVAILABLE), as HttpTransport's.
    const byStatus = codeOfStatus(res.status);
    const code = FROM_MLFLOW[err.error_code ?? ''] ?? (byStatus !== 'INTERNAL' ? byStatus : res.status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT');
    throw new KeelError(code, err.message ?? `HTTP ${res.status} from ${method} ${url.pathname}`, { ...(typeof err.field === 'string' ? { field: err.field } : {}), details: { mlflowCode: err.error_code } });
  }
  return json as T;
}
