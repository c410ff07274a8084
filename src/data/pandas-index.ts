/**
 * pandas' unnamed index in a Parquet file. `df.to_parquet(path)` stores an index that is not a
 * plain range (after a filter or a sort, say) as a column `__index_level_0__` and lists it in the
 * file's `pandas` metadata, and `pd.read_parquet` makes it the index again: row labels, not data.
 * Keel has no index, so such a column is left out (a note says so); read as data it would be a
 * feature counting rows. A named index (`df.set_index('user_id')`) is a column of data, and stays.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filesArg } from './source-sql.js';

/** pandas' name for an unnamed level of its index. */
const UNNAMED_LEVEL = /^__index_level_\d+__$/;

/** The unnamed index columns the `pandas` metadata of any of the Parquet `files` lists. */
export async function pandasIndexColumns(con: DuckDBConnection, files: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const read = await con.runAndReadAll(`SELECT decode(value) FROM parquet_kv_metadata(${filesArg(files)}) WHERE decode(key) = 'pandas'`).catch(() => undefined);
  for (const [text] of read?.getRows() ?? []) {
    try {
      const index = (JSON.parse(String(text)) as { index_columns?: unknown }).index_columns;
      // A range index is stored as its description ({"kind": "range", ...}), not as a column.
      if (Array.isArray(index)) for (const c of index) if (typeof c === 'string' && UNNAMED_LEVEL.test(c)) found.add(c);
    } catch {
      // Metadata that is not pandas' JSON: no index to leave out.
    }
  }
  return found;
}

/** The note of an index column left out. */
export const indexNote = (column: string): string =>
  `column '${column}' is pandas' index (its to_parquet() wrote it, and read_parquet() makes it the index again), so it is left out (name it in --columns to keep it)`;
