/**
 * JSON numbers beyond the integers DuckDB's JSON reader holds (past 2^64, a 25-digit ID): it
 * takes them for DOUBLEs, rounded, so 123456789012345678901 and ...902 became one value. A column
 * whose sampled values are all whole numbers, one of them beyond BIGINT, is read as its exact
 * text instead, as a CSV column of such numbers is (csv-text-columns.ts) and as pandas keeps it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readHead, type DatasetFormat } from '../core/index.js';
import { quoteIdent } from './duckdb-sql.js';
import { runSource, typeStruct, type SniffedType } from './source-sql.js';

/** A whole JSON number of 20 digits or more, as a value: the cheap first look, at the first MiB. */
const LONG_WHOLE = /[:,[]\s*-?\d{20,}\s*[,}\]]/;

/** Rows DuckDB's JSON reader types a file by, unless told otherwise. */
const DEFAULT_SAMPLE_ROWS = 20_480;

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
  rows = DEFAULT_SAMPLE_ROWS,
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
