import { KeelError } from './errors.js';

/**
 * Page tokens of every search (runs, registered models, model versions): opaque to clients,
 * base64 of `{"offset": n}`, the shape MLflow's SQL store uses. Searches always order on a
 * unique key last, so offsets page through a stable order.
 */
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
