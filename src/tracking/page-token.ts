import { KeelError } from '../core/index.js';

/** Opaque page tokens: base64 of `{"offset": n}`, the shape MLflow's SQL store uses. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(token: string | undefined, field = 'page_token'): number {
  if (token === undefined || token === '') return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
  } catch {
    offset = undefined;
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new KeelError('INVALID_ARGUMENT', `Invalid page token '${token}': it was not returned by a previous search`, { field });
  }
  return offset;
}

export function checkMaxResults(value: number | undefined, fallback: number, max: number, field = 'max_results'): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new KeelError('INVALID_ARGUMENT', `Invalid value ${value} for parameter '${field}' supplied: it must be a positive integer at most ${max}`, { field });
  }
  return value;
}
