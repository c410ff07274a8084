/**
 * JSON numbers DuckDB's JSON reader would store otherwise than they are written:
 *  - integers beyond those it holds (past 2^64, a 25-digit ID): it takes them for DOUBLEs,
 *    rounded, so 123456789012345678901 and ...902 became one value. A column whose sampled values
 *    are all whole numbers, one of them beyond BIGINT, is read as its exact text instead, as a CSV
 *    column of such numbers is (csv-text-columns.ts) and as pandas keeps it (longWholeColumns);
 *  - a fraction past the sampled rows of an integer column: it rounds it (1.5 became 2, without a
 *    word). Such columns are read as DOUBLE and checked (intChecks).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readHead, type DatasetFormat, type LogicalType } from '../core/index.js';
import { misfitSql, quoteIdent } from './duckdb-sql.js';
import { runSource, typeStruct, type SniffedType } from './source-sql.js';

/** A whole JSON number of 20 digits or more, as a value: the cheap first look, at the first MiB. */
const LONG_WHOLE = /[:,[]\s*-?\d{20,}\s*[,}\]]/;

/** Rows DuckDB's JSON reader types a file by, unless told otherwise. */
export const JSON_SAMPLE_ROWS = 20_480;

/**
 * The DOUBLE columns of `declared` whose first `rows` values (default DuckDB's sample) are all
 * whole numbers, one of them beyond BIGINT. `readWith(options)`: the files' read with these
 * extra options.
 */
export async function longWholeColumns(
  con: DuckDBConnection,
  file: string,
  format: DatasetFormat,
  declared: readonly SniffedType[],
  readWith: (options: string) => string,
  rows = JSON_SAMPLE_ROWS,
): Promise<Set<string>> {
  const doubles = declared.filter((t) => t.duckType === 'DOUBLE');
  if (doubles.length === 0) return new Set();
  const head = await readHead(file, 1 << 20).catch(() => undefined);
  if (!head || !LONG_WHOLE.test(head.toString('latin1'))) return new Set();
  const asText = declared.map((t) => (t.duckType === 'DOUBLE' ? { ...t, duckType: 'VARCHAR' } : t));
  const checks = doubles.map((t) => {
    const v = `trim(${quoteIdent(t.name)})`;
    return `coalesce(bool_and(regexp_full_match(${v}, '-?[0-9]+')) AND bool_or(TRY_CAST(${v} AS BIGINT) IS NULL), false)`;
  });
  const row = (await runSource(con, `SELECT ${checks.join(', ')} FROM (SELECT * FROM ${readWith(`, columns = ${typeStruct(asText)}`)} LIMIT ${rows})`, format)).getRows()[0]!;
  return new Set(doubles.filter((_, k) => row[k] === true).map((t) => t.name));
}

/** misfitSql's kind when an integer column read as DOUBLE meets a fraction, or an integer beyond 2^53. */
export const JSON_INT = 'json-int';

/** DuckDB's integer types a DOUBLE holds every value of up to 2^53 (not its wider ones). */
const CHECKED = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);

/**
 * The integer columns of `declared` (but those with a given type, converted from the read type)
 * to read as DOUBLE, each with the SQL that stores it as BIGINT when the value is whole and within
 * 2^53, and otherwise fails with a JSON_INT misfit: the types then come from all rows, a fraction
 * making the column DOUBLE, and a larger integer read exactly as the BIGINT DuckDB types it.
 */
export function intChecks(declared: readonly SniffedType[], given: ReadonlyMap<string, LogicalType>): Map<string, string> {
  const checks = new Map<string, string>();
  for (const t of declared) {
    if (!CHECKED.has(t.duckType) || given.has(t.name)) continue;
    const x = quoteIdent(t.name);
    checks.set(t.name, `CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = trunc(${x}) AND abs(${x}) < 9007199254740992 THEN ${x}::BIGINT ELSE ${misfitSql(JSON_INT, t.name, x)} END`);
  }
  return checks;
}
