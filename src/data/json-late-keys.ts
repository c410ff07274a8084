/**
 * Keys that first appear past the rows DuckDB typed a JSON file by (a field added halfway through
 * a log, a rare optional one). DuckDB's reader given the columns (`columns =`, as Keel gives them
 * to read integer fields as checked DOUBLEs, json-numbers.ts) skips every other key without a
 * word, so such a field was lost; pandas reads it. Its auto-detecting read refuses an object with
 * a key it did not sample (`has unknown key`), but only when the query uses every column: the
 * check below reads each file so, and its error makes the types come from all rows
 * (source-reader.ts widen).
 */
import { stat } from 'node:fs/promises';
import { quoteString } from './duckdb-sql.js';

/**
 * The smallest JSON object in a file, `{}` and a separator: a file of fewer bytes than `rows`
 * times this holds no object past the first `rows`.
 */
const MIN_OBJECT_BYTES = 3;

/**
 * SQL that reads every object of `files` (those that may hold more than `rows` objects) with
 * DuckDB's own types from the first `rows`, failing at the first key those rows lack; undefined
 * when no file may hold more. `how`: the read_json format.
 */
export async function lateKeyCheckSql(files: readonly string[], how: string, rows: number): Promise<string | undefined> {
  const long: string[] = [];
  for (const f of files) {
    // A gzipped file's text may be any size: checked.
    if (/\.gz$/i.test(f) || (await stat(f)).size >= rows * MIN_OBJECT_BYTES) long.push(f);
  }
  if (long.length === 0) return undefined;
  // COLUMNS(*) in WHERE: every column is used, so the reader checks every key (one file each:
  // with union_by_name it checks none).
  const count = (f: string) => `(SELECT count(*) FROM read_json(${quoteString(f)}, format = '${how}', sample_size = ${rows}) WHERE COLUMNS(*) IS NULL)`;
  return long.map(count).join(' + ');
}
