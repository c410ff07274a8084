/**
 * Per-column statistics over the stored Parquet, computed inside DuckDB (vectorized, on all
 * cores), JS reading only the small results, except for the sorted columns of short files (below).
 * Not DuckDB's SUMMARIZE: too slow (REFERENCES.md).
 *
 * First the columns are classified by the Parquet footer, which DuckDB's writer fills with each
 * row group's exact distinct count when it dictionary-encodes the column chunk (it does up to
 * about a fifth of the rows distinct):
 *  - a column with at most GROUPED_SHARE of the rows distinct (summed over the row groups whose
 *    count is known), or a bool, is *grouped*: one GROUP BY over the whole file (cheap, the hash table is small) gives
 *    every value with its count, and all its statistics are exact and computed from those value
 *    counts;
 *  - the other, high-cardinality columns get counts, moments, distinct counts (estimated above
 *    EXACT_ROWS, see HASH_SHARE), min, max and 20-bin histograms from one aggregate pass (the
 *    bins from the Parquet footer's min and max, which the same pass checks), and quantiles and
 *    top-value candidates from a uniform sample (the whole file up to SAMPLE_ROWS rows), the
 *    candidates counted exactly over the whole file;
 *  - except that the high-cardinality numeric columns of files up to SAMPLE_ROWS rows, and the
 *    grouped ones up to SORTED_GROUPED_ROWS, take every statistic from their values sorted in JS
 *    (profile-sorted.ts), which costs half as much (a grouped one its mean and std as the grouping
 *    computes them; on a wide file the grouping's SQL cost DuckDB seconds of planning a batch),
 *    and their grouped string columns theirs from one histogram() each (countedStrings), for a
 *    fifth of the CPU.
 * The classification only decides cost and exactness, never correctness: either path is valid
 * for any column. The passes run in batches of columns on two connections, each taking the next
 * batch when it is free.
 * Where the statistics are exact and where approximate: docs/datasets.md.
 * The footer: profile-footer.ts; the passes: profile-high.ts, profile-sample.ts, profile-grouped.ts
 * (countedStrings too), profile-sorted.ts.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './duckdb-sql.js';
import { readFooter } from './profile-footer.js';
import { GROUPED_SHARE, isNumeric, profileOf, storedUnits, type Col, type Found, type MinMax, type ProfileColumn } from './profile-found.js';
import { countedStrings, groupedPass, STRING_BATCH_COLUMNS } from './profile-grouped.js';
import { highPasses, type DistinctCount } from './profile-high.js';
import { samplePass } from './profile-sample.js';
import { sortedPass } from './profile-sorted.js';
import type { ColumnProfile } from './types.js';

/** Exact distinct counts up to this many rows; above, an estimate for high-cardinality columns. */
export const EXACT_ROWS = 100_000;

export const SAMPLE_ROWS = 100_000;

export interface ProfileLimits {
  /** Exact distinct counts up to this many rows (default EXACT_ROWS). */
  readonly exactRows?: number;
  /** Quantiles and top candidates of high-cardinality columns from a sample above this many rows (default SAMPLE_ROWS). */
  readonly sampleRows?: number;
  /** See GROUPED_SHARE; 0 groups no column (unless it is empty or bool), 1 every column. */
  readonly groupedShare?: number;
  /** false: ignore the Parquet footer's min and max (then high-cardinality histograms take a pass of their own). */
  readonly footerStatistics?: boolean;
  /** See IN_MEMORY_ROWS_PER_COLUMN; Infinity reads every grouped batch into memory, 0 none. */
  readonly inMemoryRowsPerColumn?: number;
  /** High-cardinality numeric columns of files up to this many rows take sortedPass (default SAMPLE_ROWS); 0: none. */
  readonly sortedRows?: number;
}

export async function profileParquet(
  cons: readonly [DuckDBConnection, DuckDBConnection],
  parquetPath: string,
  columns: readonly ProfileColumn[],
  limits: ProfileLimits = {},
  onProgress?: (done: number, total: number) => void,
): Promise<{ rows: number; columns: ColumnProfile[] }> {
  const sampleRows = limits.sampleRows ?? SAMPLE_ROWS;
  const src = `read_parquet(${quoteString(parquetPath)})`;
  const numbered = rowNumbered(parquetPath, columns);
  const acc: Found[] = columns.map(() => ({}));
  const { rows, hints, shifts, grouped } = await readFooter(cons[0], parquetPath, columns, limits.groupedShare ?? GROUPED_SHARE);
  const cols = columns.map((c, i): Col => ({ ...c, i, shift: shifts.get(i) }));
  const sortedRows = rows <= (limits.sortedRows ?? SAMPLE_ROWS);
  // A short file's numeric columns, grouped ones too in a file of few rows (their moments as
  // groupedPass's, see sortedPass).
  const groupedSorted = sortedRows && rows <= SORTED_GROUPED_ROWS;
  const sorted = cols.filter((c) => sortedRows && isNumeric(c.type) && (!grouped[c.i] || groupedSorted));
  const isSorted = new Set(sorted.map((c) => c.i));
  const countedSorted = new Set(sorted.filter((c) => grouped[c.i]).map((c) => c.i));
  const high = cols.filter((c) => !grouped[c.i] && !isSorted.has(c.i));
  // A short file's grouped strings: their value counts from one aggregate (countedStrings).
  const counted = cols.filter((c) => grouped[c.i] && sortedRows && c.type === 'string');
  const low = cols.filter((c) => grouped[c.i] && !(sortedRows && c.type === 'string') && !isSorted.has(c.i));
  // A sample that is the whole file counts every distinct value itself (samplePass).
  const distinctBy: DistinctCount = rows <= sampleRows ? 'sample' : rows <= (limits.exactRows ?? EXACT_ROWS) ? 'exact' : 'estimate';
  const footerHints = limits.footerStatistics === false ? new Map<number, MinMax>() : hints;
  const inMemory = rows < columns.length * (limits.inMemoryRowsPerColumn ?? IN_MEMORY_ROWS_PER_COLUMN);
  // The batches go to whichever connection is free, the sorted and sample batches first (on a
  // file of one row group they are the longest). One row group is scanned by one thread: DuckDB's
  // second thread then only spins, taking CPU from the other connection's query (a 20-column
  // quantile query: 127 ms on one thread; the same wall time and 217 ms of CPU on two). So such a
  // file gets one thread per query, and the two connections run in parallel. So does every file
  // (`threads` is the database's): one thread sums a column's values in one order, the file's, where
  // two summed them in an order of their own (avg, stddev_samp, fsum), and the last digits of a
  // long file's mean and std changed from one add to the next (docs/datasets.md).
  await cons[0].run('SET threads = 1');
  try {
    const width = batchWidth(BATCH_COLUMNS, rows, columns.length), stringWidth = batchWidth(STRING_BATCH_COLUMNS, rows, columns.length);
    const sortedWidth = batchWidth(BATCH_COLUMNS, rows, columns.length, SORTED_BATCH_CELLS);
    await drain(onProgress, cons, [
      ...batches(sorted, sortedWidth).map((batch): Task => (con) => sortedPass(con, src, batch, acc, countedSorted)),
      ...batches(counted, stringWidth).map((batch): Task => (con) => countedStrings(con, src, batch, acc)),
      ...batches(high, width).map((batch): Task => (con) => samplePass(con, src, numbered, batch, rows, sampleRows, acc)),
      ...batches(high, width).map((batch): Task => (con) => highPasses(con, src, batch, distinctBy, footerHints, acc)),
      ...batches(low, width).map((batch): Task => (con) => groupedPass(con, src, batch, acc, inMemory)),
    ]);
  } finally {
    await cons[0].run('RESET threads').catch(() => undefined);
    for (const con of cons) await con.run('DROP TABLE IF EXISTS keel_vc').catch(() => undefined);
  }
  const profiles = columns.map((c, i): ColumnProfile => {
    const a = storedUnits(acc[i]!, cols[i]!);
    // An estimated distinct count can land below what the sample already proves, or above the count.
    return profileOf(c.name, c.type, a, rows, Math.min(a.count ?? 0, Math.max(a.sampleDistinct ?? 0, a.distinct ?? 0)));
  });
  return { rows, columns: profiles };
}

/**
 * Columns per query. DuckDB's cost for one query grows faster than its number of columns (on 30,000
 * rows × 240 high-cardinality columns the sample pass took 9.1 s as one query, 1.6 s in batches
 * of 20), so the passes run on batches.
 */
export const BATCH_COLUMNS = 20;

/**
 * Grouped numeric columns of files of up to this many rows are sorted in JS (sortedPass), not
 * grouped in SQL: groupedPass's cost is mostly DuckDB planning a query part per column (on a
 * 10,000 × 200 file of digits, 0.37 s a batch of 200 columns, against a few ms of sorting), the
 * sort's grows with the rows (on the 100,000 × 20 benchmark file its 4 grouped numeric columns
 * took about 75 ms more CPU sorted).
 */
const SORTED_GROUPED_ROWS = 10_000;

/** Files of more columns than this are wide: each query's own cost, which grows with them, may outweigh its columns' (batchWidth). */
const WIDE_COLUMNS = 1_000;

/** Rows of a short wide file whose batches stay as they are (batchWidth): one of DuckDB's vectors. */
const SHORT_ROWS = 2_048;

/** Batches of one pass a short wide file is split into at least (batchWidth). */
const WIDE_BATCHES = 50;

/**
 * Cells a sortedPass query of a wide file may read (batchWidth): 8 MiB of doubles. Its plain
 * SELECT costs DuckDB a planning that grows with the file's columns and an execution that grows
 * with its cells, not faster: on the 10,000 × 1,000 file's Parquet (one thread) 250 queries of 40
 * columns took 4.7-5.4 s, 3.7 s of it planning (EXPLAIN), 50 of 200 columns 2.3-2.6 s, 1.2 s of it
 * planning (docs/datasets.md, Statistics of wide files).
 */
const SORTED_BATCH_CELLS = 1 << 20;

/**
 * Columns per query of a batch of `base` on a file of `rows` × `fileColumns`: on a wide file,
 * about as many cells as `cells` (by default `base` columns of SHORT_ROWS rows, for few rows), up
 * to a WIDE_BATCHES-th of the file's columns. Each query reads the Parquet footer, whose cost grows with the file's
 * columns, so that batches of a fixed width cost the square of them: at 10,000 columns × 5 rows a
 * query of 20 columns took 13 ms, one of 200 columns 17 ms (one thread), and the statistics took
 * 500 queries; at 20,000 columns about 50 ms and 100 ms.
 */
export function batchWidth(base: number, rows: number, fileColumns: number, cells = base * SHORT_ROWS): number {
  if (fileColumns <= WIDE_COLUMNS) return base;
  return Math.max(base, Math.min(Math.floor(cells / Math.max(rows, 1)), Math.floor(fileColumns / WIDE_BATCHES)));
}

/**
 * A file with fewer rows than this many per column has its grouped batches read into memory once
 * per batch, not once per column: each read_parquet costs time that grows with the file's columns
 * (about 1 µs each), the copy into memory time that grows with its rows (about 17 ns each per
 * column). At 2,000 × 2,000 the statistics took 2.6 s against 4.1 s; at 1,000,000 × 20 the grouped
 * batch took 237 ms against 70 ms.
 */
const IN_MEMORY_ROWS_PER_COLUMN = 50;

/** Consecutive batches of at most `size` items. */
function batches<T>(items: readonly T[], size = BATCH_COLUMNS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Task = (con: DuckDBConnection) => Promise<void>;

/**
 * Runs the tasks in order, each connection taking the next one when it is free, and says how many
 * are done after each. After a failure no task starts, and the first error is thrown once every
 * connection has stopped (the caller then closes the database).
 */
async function drain(onProgress: ((done: number, total: number) => void) | undefined, cons: readonly DuckDBConnection[], tasks: readonly Task[]): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (con: DuckDBConnection) => {
    try {
      while (next < tasks.length) {
        await tasks[next++]!(con);
        onProgress?.(++done, tasks.length);
      }
    } catch (e) {
      next = tasks.length;
      throw e;
    }
  };
  const settled = await Promise.allSettled(cons.map(worker));
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
}

/** The file with its row numbers (`file_row_number`), unless the data has a column of that name. */
function rowNumbered(parquetPath: string, columns: readonly ProfileColumn[]): string | undefined {
  return columns.some((c) => c.name.toLowerCase() === 'file_row_number') ? undefined : `read_parquet(${quoteString(parquetPath)}, file_row_number = true)`;
}
