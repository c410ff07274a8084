import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../storage/index.js';
import type { Comparison, OrderByClause } from './filter-ast.js';
import { RUN_NUMERIC_ATTRIBUTES, RUN_STRING_ATTRIBUTES, ATTRIBUTE_ALIASES } from './filter-ast.js';
import type { AttributeSchema } from './parse-filter.js';

export const RUN_FILTER_SCHEMA: AttributeSchema = {
  strings: RUN_STRING_ATTRIBUTES,
  numbers: RUN_NUMERIC_ATTRIBUTES,
  aliases: ATTRIBUTE_ALIASES,
  entities: ['metric', 'param', 'tag'],
};

type RunsEb = ExpressionBuilder<Database, 'runs'>;
type RunColumn = keyof Database['runs'] & string;

/**
 * A string comparison on both databases with MLflow's meaning: LIKE is case-sensitive (SQLite's
 * LIKE is not, so it becomes GLOB there) and ILIKE is case-insensitive (lower() LIKE lower() on
 * SQLite, which has no ILIKE).
 */
export function stringComparison(column: Expression<unknown>, comparator: Comparison['comparator'], value: Comparison['value'], sqlite: boolean): Expression<SqlBool> {
  switch (comparator) {
    case 'LIKE':
      return sqlite ? sql<SqlBool>`${column} GLOB ${likeToGlob(String(value))}` : sql<SqlBool>`${column} LIKE ${String(value)}`;
    case 'ILIKE':
      return sqlite ? sql<SqlBool>`lower(${column}) LIKE lower(${String(value)})` : sql<SqlBool>`${column} ILIKE ${String(value)}`;
    case 'IN':
    case 'NOT IN': {
      const list = sql.join((value as readonly string[]).map((v) => sql`${v}`));
      return comparator === 'IN' ? sql<SqlBool>`${column} IN (${list})` : sql<SqlBool>`${column} NOT IN (${list})`;
    }
    default:
      return sql<SqlBool>`${column} ${sql.raw(comparator)} ${value as string | number}`;
  }
}

/** SQL LIKE's % and _ as GLOB's * and ?, with GLOB's own metacharacters made literal. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[' || ch === ']') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/**
 * One comparison as a WHERE condition on `runs`. A metric, param or tag comparison becomes
 * `runs.run_id IN (SELECT run_id FROM <table> WHERE key = ? AND value <op> ?)`: the database may
 * then start from the runs that match (through the (key, value) indexes) instead of visiting
 * every run of the experiments, which is what makes a selective filter fast.
 */
export function compileRunComparison(eb: RunsEb, c: Comparison, sqlite: boolean): Expression<SqlBool> {
  switch (c.type) {
    case 'attribute': {
      const col = eb.ref(`runs.${c.key as RunColumn}`);
      if (c.key === 'end_time' || c.key === 'start_time') return sql<SqlBool>`${col} ${sql.raw(c.comparator)} ${c.value as number}`;
      return stringComparison(col, c.comparator, c.value, sqlite);
    }
    case 'metric':
      // NaN points never match a numeric comparison, as in MLflow.
      return sql<SqlBool>`runs.run_id IN (SELECT m.run_id FROM run_latest_metrics m WHERE m.key = ${c.key} AND m.is_nan = 0 AND m.value ${sql.raw(c.comparator)} ${c.value as number})`;
    case 'param':
    case 'tag': {
      const table = sql.table(c.type === 'param' ? 'run_params' : 'run_tags');
      if (c.comparator === 'IS NULL') return sql<SqlBool>`runs.run_id NOT IN (SELECT kv.run_id FROM ${table} kv WHERE kv.key = ${c.key})`;
      if (c.comparator === 'IS NOT NULL') return sql<SqlBool>`runs.run_id IN (SELECT kv.run_id FROM ${table} kv WHERE kv.key = ${c.key})`;
      return sql<SqlBool>`runs.run_id IN (SELECT kv.run_id FROM ${table} kv WHERE kv.key = ${c.key} AND ${stringComparison(sql.ref('kv.value'), c.comparator, c.value, sqlite)})`;
    }
  }
}

/** The sort expression of one order_by clause: a column, or a lookup of the key's value. */
export function runOrderExpression(eb: RunsEb, o: OrderByClause): Expression<unknown> {
  switch (o.type) {
    case 'attribute':
      return eb.ref(`runs.${o.key as RunColumn}`);
    case 'metric':
      return eb.selectFrom('run_latest_metrics as om').select('om.value').whereRef('om.run_id', '=', 'runs.run_id').where('om.key', '=', o.key);
    case 'param':
    case 'tag': {
      const table = o.type === 'param' ? 'run_params' : 'run_tags';
      return sql`(SELECT okv.value FROM ${sql.table(table)} okv WHERE okv.run_id = runs.run_id AND okv.key = ${o.key})`;
    }
  }
}
