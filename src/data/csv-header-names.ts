/**
 * A CSV's columns under Keel's names (column-names.ts) rather than DuckDB's: its header read as a
 * row of text and renamed by Keel's rule (csv-sniff.ts then names the columns so in its reads).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { basename } from 'node:path';
import { invalidArgument } from '../core/index.js';
import { uniqueNames, whyRenamed, type ColumnRename } from './column-names.js';
import { headRows } from './csv-sample.js';
import type { ReadOptions } from './read-options.js';
import { runSource, typeStruct } from './source-sql.js';

/**
 * The `count` columns' names by Keel's rule, from the header of `path`: read in JS (headRows), or
 * where that cannot (a zstd or UTF-16 file, a header longer than its first MiB) by DuckDB, as the
 * first row of text of `file` (DuckDB's argument, with any options of its own after it) read with
 * `options` (read_csv's, with `header = false` and no NA spellings: a header field `NA` is a name).
 * (A header of 2,000 names: 2-7 ms in JS, 0.13-0.15 s in DuckDB.) Undefined when the header does
 * not hold `count` fields.
 */
export async function headerNames(
  con: DuckDBConnection,
  path: string,
  read: ReadOptions,
  duck: { file: string; options: string },
  count: number,
): Promise<{ names: string[]; renames: ColumnRename[] } | undefined> {
  const head = (await headRows(path, read, 1))?.[0];
  // headRows reads the bytes as Latin-1.
  if (head?.length === count) return uniqueNames(read.encoding === 'latin-1' ? head : head.map((f) => Buffer.from(f, 'latin1').toString('utf8')));
  const columns = typeStruct(Array.from({ length: count }, (_, i) => ({ name: `column${i}`, duckType: 'VARCHAR' })));
  const row = (await runSource(con, `SELECT * FROM read_csv(${duck.file}, ${duck.options}, auto_detect = false, columns = ${columns}) LIMIT 1`, 'csv')).getRows()[0];
  if (row?.length !== count) return undefined;
  return uniqueNames(row.map((v) => (v === null ? '' : String(v))));
}

/**
 * Parts read by name (their headers differ) are matched by DuckDB's names, which each part takes
 * from its own header: a name repeated or blank in one part could stand for another column in
 * the next. An add of such parts is refused, naming the part and its column.
 */
export async function refuseRenamedParts(files: readonly string[], read: ReadOptions): Promise<void> {
  for (const file of files) {
    const header = (await headRows(file, read, 1))?.[0];
    const renamed = header && uniqueNames(header).renames[0];
    if (renamed) {
      throw invalidArgument(
        'file',
        `${basename(file)}: ${whyRenamed(renamed)}; parts whose headers differ are matched by name, so each part's names must be unique and not blank (rename the column in the files, or give every part the same header line)`,
      );
    }
  }
}
