/**
 * Keys that first appear past the rows DuckDB typed a JSON file by (a field added halfway through
 * a log, a rare optional one). DuckDB's reader given the columns (`columns =`, as Keel gives them
 * to read integer fields as checked DOUBLEs, json-numbers.ts) skips every other key without a
 * word, so such a field was lost; pandas reads it. Its auto-detecting read refuses an object with
 * a key it did not sample (`has unknown key`), but only when the query uses every column: that
 * read, of each file so, makes the error that makes the types come from all rows
 * (source-reader.ts widen).
 *
 * That read of every value cost a 500,000-line NDJSON file 0.55-0.9 s of CPU before the read
 * that stores it. So a plain file's keys are found by a scan of its bytes in JS instead
 * (json-key-scan.ts), which runs while DuckDB samples the rows and reads the file into Parquet;
 * only a file that holds a key the sampled rows lack is then read DuckDB's way, for its error
 * (naming the line), and the read starts again (one read more than before, for such a file). A
 * gzipped file is read DuckDB's way inside the read, as before.
 */
import { stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './duckdb-sql.js';
import { scanRowKeys, type KeyScan } from './json-key-scan.js';

/**
 * The smallest JSON object in a file, `{}` and a separator: a file of fewer bytes than `rows`
 * times this holds no object past the first `rows`.
 */
const MIN_OBJECT_BYTES = 3;

/**
 * SQL that reads every object of `files` with DuckDB's own types from the first `rows`, failing
 * at the first key those rows lack. `how`: the read_json format.
 */
function lateKeyCheckSql(files: readonly string[], how: string, rows: number): string {
  // COLUMNS(*) in WHERE: every column is used, so the reader checks every key (one file each:
  // with union_by_name it checks none). maximum_depth = 1: only the rows' own keys, each value
  // JSON; typed as structs, a key new inside a nested value failed the check too (a note naming
  // it as a row's key, and a read of all rows for nothing: a nested value is stored as its text).
  const count = (f: string) => `(SELECT count(*) FROM read_json(${quoteString(f)}, format = '${how}', sample_size = ${rows}, maximum_depth = 1) WHERE COLUMNS(*) IS NULL)`;
  return files.map(count).join(' + ');
}

/** The check of late keys for a read of JSON files. */
export interface LateKeyCheck {
  /** SQL for the files checked inside the read (gzipped ones): its value is >= 0, or it fails. */
  readonly inRead: string | undefined;
  /** After the read: fails with DuckDB's error when a file scanned holds a key not in `sampled`, the sampled rows' keys. */
  verify(con: DuckDBConnection, sampled: ReadonlySet<string>): Promise<void>;
  /** Stops the scan (the read failed, and the types come from all rows). */
  stop(): void;
}

/**
 * The check for `files` (those that may hold more than `rows` objects); undefined when no file
 * may hold more. `how`: the read_json format. The scan starts now, one file after another, before
 * DuckDB samples the rows: it finds every key.
 */
export async function lateKeyCheck(files: readonly string[], how: 'auto' | 'newline_delimited', rows: number): Promise<LateKeyCheck | undefined> {
  const long: string[] = [];
  for (const f of files) {
    // A gzipped file's text may be any size: checked.
    if (/\.gz$/i.test(f) || (await stat(f)).size >= rows * MIN_OBJECT_BYTES) long.push(f);
  }
  if (long.length === 0) return undefined;
  const zipped = long.filter((f) => /\.gz$/i.test(f));
  const plain = long.filter((f) => !/\.gz$/i.test(f));
  let current: KeyScan | undefined;
  let stopped = false;
  // Each file's keys; undefined for one the scan cannot read.
  const scanned = (async () => {
    const found: (ReadonlySet<string> | undefined)[] = [];
    for (const f of plain) {
      if (stopped) break;
      current = scanRowKeys(f, how === 'newline_delimited');
      found.push(await current.keys);
    }
    return found;
  })();
  // A failed scan (the file unreadable): DuckDB's read says why.
  scanned.catch(() => undefined);
  return {
    inRead: zipped.length === 0 ? undefined : lateKeyCheckSql(zipped, how, rows),
    async verify(con, sampled) {
      const keys = await scanned.catch(() => []);
      // A file with a key not sampled, or one the scan could not read: DuckDB's read says.
      const suspects = plain.filter((_, i) => keys[i] === undefined || [...keys[i]!].some((k) => !sampled.has(k)));
      if (suspects.length > 0) await con.run(`SELECT ${lateKeyCheckSql(suspects, how, rows)}`);
    },
    stop() {
      stopped = true;
      current?.stop();
    },
  };
}
