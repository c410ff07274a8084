import { invalidArgument } from '../core/index.js';

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
