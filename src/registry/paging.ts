import { invalidArgument } from '../core/index.js';

/**
 * Page tokens are opaque to clients: base64 of `{"offset": n}`, the shape MLflow's SQL store
 * uses. Search order always ends on a unique key, so offsets page through a stable order.
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(token: string | undefined, field = 'page_token'): number {
  if (token === undefined || token === '') return 0;
  let offset: unknown;
  try {
    offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
  } catch (e) {
    throw invalidArgument(field, 'invalid page token', e);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidArgument(field, 'invalid page token');
  return offset;
}

/** `max_results` arrives as a number or, from MLflow clients, as a string. */
export function checkMaxResults(value: unknown, defaultValue: number, limit: number, field = 'max_results'): number {
  if (value === undefined || value === null || value === '') return defaultValue;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalidArgument(field, `expected a positive integer, got '${String(value)}'`);
  if (n > limit) throw invalidArgument(field, `at most ${limit}, got ${n}`);
  return n;
}

export interface OrderTerm {
  readonly column: string;
  readonly desc: boolean;
}

/** Parses `["name ASC", "last_updated_timestamp DESC"]` against the allowed keys (key -> column). */
export function parseOrderBy(orderBy: readonly string[] | undefined, allowed: Readonly<Record<string, string>>, field = 'order_by'): OrderTerm[] {
  return (orderBy ?? []).map((term) => {
    const m = /^\s*([A-Za-z_.]+)\s*(ASC|DESC)?\s*$/i.exec(term);
    const key = m?.[1]?.replace(/^attributes?\./i, '');
    const column = key === undefined ? undefined : allowed[key];
    if (!m || column === undefined) throw invalidArgument(field, `invalid order_by clause '${term}' (known keys: ${Object.keys(allowed).join(', ')})`);
    return { column, desc: m[2]?.toUpperCase() === 'DESC' };
  });
}
