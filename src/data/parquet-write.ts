/**
 * How an add writes its Parquet: Snappy-compressed (the common default, cheap to write and read),
 * in row groups small enough for both of DuckDB's threads to write a short file.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetFormat } from '../core/index.js';
import { READING_AGAIN, WITHDRAWN } from './add-notes.js';
import type { Widening } from './csv-columns.js';
import { settledNotes } from './csv-date-order.js';
import { estimatedRows } from './csv-sample.js';
import { quoteString } from './duckdb-sql.js';
import { SAMPLE_ROWS } from './profile.js';
import type { DescribedSource, SourceColumn } from './source-reader.js';
import { filesArg } from './source-sql.js';

/** DuckDB's own row group size, kept for files of more rows than SAMPLE_ROWS. */
const DEFAULT_ROW_GROUP = 122_880;

/** Row groups a short file is split into at least, so that two threads share the write. */
const ROW_GROUPS = 8;

/** DuckDB's vector: row groups are multiples of it. */
const VECTOR = 2_048;

/**
 * The COPY options for a file of about `rows` rows. DuckDB writes a row group on one thread: a
 * 30,000 × 300 CSV, one row group by default, took 1.5-2.1 s to read and write against 1.07-1.23 s
 * in row groups of 4,096 rows (five alternating runs each). Only files whose statistics are exact
 * whatever their row groups get smaller ones (up to SAMPLE_ROWS rows: the row groups' distinct
 * counts choose how a column's statistics are computed, profile.ts, and above that some ways are
 * approximate).
 */
export function parquetOptions(rows: number | undefined): string {
  const options = 'FORMAT parquet, COMPRESSION snappy';
  if (rows === undefined || rows > SAMPLE_ROWS) return options;
  const rowGroup = Math.min(DEFAULT_ROW_GROUP, Math.max(VECTOR, Math.ceil(rows / ROW_GROUPS / VECTOR) * VECTOR));
  return `${options}, ROW_GROUP_SIZE ${rowGroup}`;
}

/**
 * About how many rows the source files hold, for parquetOptions: a Parquet file's footer says; a
 * CSV's or NDJSON's size over its first MiB's bytes per line; a JSON array's is not told.
 */
export async function sourceRows(con: DuckDBConnection, files: readonly string[], format: DatasetFormat): Promise<number | undefined> {
  if (format === 'csv' || format === 'ndjson') return estimatedRows(files);
  if (format !== 'parquet') return undefined;
  // A file that is not Parquet is the read's to report.
  const read = await con.runAndReadAll(`SELECT sum(num_rows) FROM parquet_file_metadata(${filesArg(files)})`).catch(() => undefined);
  const rows = read?.getRows()[0]?.[0];
  return rows === undefined || rows === null ? undefined : Number(rows);
}

/** The progress message while a widening reads the file to type columns by all their values. */
const TYPING = 'types from all values';

/**
 * Reads the source into the Parquet file `parquet` (one COPY) and returns its columns as stored.
 * A value past the sampled rows that does not fit its column's type fails the read: the types
 * widen (a CSV column from int to float or string, ...) and the read starts again, `widened`
 * told why. Some widenings first read the file to type columns by all their values (JSON, CSV
 * columns empty in the sampled rows): `say` names that pass while it runs, and the read's part
 * done (0-100) as DuckDB tells it.
 */
export async function writeSourceParquet(
  con: DuckDBConnection,
  source: DescribedSource,
  parquet: string,
  writeOptions: string,
  say: (percent: number, message: string) => void,
  widened: (w: Widening) => void,
  signal: AbortSignal | undefined,
): Promise<readonly SourceColumn[]> {
  let described = source;
  let reading = 'reading';
  // The bar says so now: the first poll comes 200 ms into the read.
  say(0, reading);
  const poll = setInterval(() => {
    const p = con.progress.percentage;
    if (p >= 0) say(p, reading);
  }, 200);
  try {
    for (;;) {
      try {
        await con.run(`COPY (SELECT ${described.columns.map((c) => c.storeExpr).join(', ')} FROM ${described.source}) TO ${quoteString(parquet)} (${writeOptions})`);
        // A JSON file's keys are checked beside the read: one it missed fails here (json-late-keys.ts).
        await described.verify?.(con);
        for (const note of await settledNotes(con, parquet, described.settles ?? [])) say(100, `${WITHDRAWN}${note}`);
        return described.columns;
      } catch (e) {
        reading = TYPING;
        const wider = signal?.aborted ? undefined : await described.widen(e);
        if (!wider) throw e;
        described = wider.source;
        reading = `${READING_AGAIN}${wider.widening.message}`;
        widened(wider.widening);
        for (const note of wider.widening.withdraws ?? []) say(0, `${WITHDRAWN}${note}`);
        // A rewritten copy whose own sniff needed another rewrite (csv-rewrites.ts).
        for (const note of described.readAgain ?? []) say(0, `${READING_AGAIN}${note}`);
        say(0, reading);
      }
    }
  } finally {
    clearInterval(poll);
  }
}
