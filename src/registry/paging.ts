import { checkResultLimit, invalidArgument } from '../core/index.js';

/** `max_results` arrives as a number or, from MLflow clients, as a string. */
export function checkMaxResults(value: unknown, defaultValue: number, limit: number, field = 'max_results'): number {
  if (value === undefined || value === null || value === '') return defaultValue;
  return checkResultLimit(field, typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value, defaultValue, limit);
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
