import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { invalidArgument } from '../core/index.js';
import type { FilterClause } from './search-filter.js';

export interface FilterColumn {
  readonly ref: string;
  readonly numeric?: boolean;
}

export interface TagTable {
  readonly table: 'registered_model_tags' | 'model_version_tags';
  /** Pairs of (tag table column, outer column reference) that tie a tag to its row. */
  readonly join: readonly (readonly [string, string])[];
}

/** SQLite's LIKE ignores case; MLflow's LIKE does not, so SQLite gets the equivalent GLOB. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`;
    else out += c;
  }
  return out;
}

function compare(col: RawBuilder<unknown>, clause: FilterClause, numeric: boolean, postgres: boolean): RawBuilder<SqlBool> {
  const coerce = (v: string | number): string | number => {
    if (!numeric) return String(v);
    const n = Number(v);
    if (!Number.isFinite(n)) throw invalidArgument('filter', `'${clause.key}' takes numbers, got '${v}'`);
    return n;
  };
  const { op, value } = clause;
  if (op === 'IN' || op === 'NOT IN') {
    const list = (value as readonly string[]).map(coerce);
    return sql<SqlBool>`${col} ${sql.raw(op)} (${sql.join(list)})`;
  }
  if (Array.isArray(value)) throw invalidArgument('filter', `${op} takes one value`);
  const v = value as string | number;
  if (op === 'LIKE' || op === 'ILIKE') {
    if (numeric) throw invalidArgument('filter', `${op} does not apply to '${clause.key}'`);
    if (op === 'LIKE') return postgres ? sql<SqlBool>`${col} LIKE ${String(v)}` : sql<SqlBool>`${col} GLOB ${likeToGlob(String(v))}`;
    return postgres ? sql<SqlBool>`${col} ILIKE ${String(v)}` : sql<SqlBool>`${col} LIKE ${String(v)}`;
  }
  return sql<SqlBool>`${col} ${sql.raw(op)} ${coerce(v)}`;
}

/** One filter clause as a SQL condition over the outer query's columns. */
export function clauseToSql(clause: FilterClause, columns: Readonly<Record<string, FilterColumn>>, tags: TagTable, postgres: boolean): RawBuilder<SqlBool> {
  if (clause.tag !== undefined) {
    if (!['=', '!=', 'LIKE', 'ILIKE'].includes(clause.op)) throw invalidArgument('filter', `tags support =, !=, LIKE and ILIKE, not ${clause.op}`);
    const joins = tags.join.map(([inner, outer]) => sql`${sql.ref(`t.${inner}`)} = ${sql.ref(outer)}`);
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(tags.table)} t WHERE ${sql.join(joins, sql` AND `)} AND t.key = ${clause.tag} AND ${compare(sql.ref('t.value'), clause, false, postgres)})`;
  }
  const column = columns[clause.key];
  if (!column) throw invalidArgument('filter', `invalid attribute key '${clause.key}'`);
  return compare(sql.ref(column.ref), clause, column.numeric === true, postgres);
}
