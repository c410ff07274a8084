/**
 * An add's read through DuckDB (any file the JS path for plain CSV files leaves, plain-csv-read.ts):
 * the sniff and its notes, then the Parquet write (parquet-write.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetFormat, Logger } from '../core/index.js';
import { READING_AGAIN, RENAMED, TYPED } from './add-notes.js';
import { renameNote } from './column-names.js';
import type { Widening } from './csv-columns.js';
import { parquetOptions, sourceRows, writeSourceParquet } from './parquet-write.js';
import type { ProfileColumn } from './profile-found.js';
import type { ReadOptions } from './read-options.js';
import { describeSource } from './source-reader.js';

/** What an add tells its user and its log as it reads. */
export interface AddReadContext {
  readonly logger: Logger;
  readonly dataset: string;
  /** The add's progress: percent done (0-100) and what it is doing. */
  readonly progress: (done: number, message: string) => void;
  /** A message with the user's file names in place of Keel's working copies' (source-files.ts, readableFiles). */
  readonly userText: (message: string) => string;
  readonly signal?: AbortSignal;
}

/** Reads `files` into the Parquet file `parquet`; the stored columns. */
export async function readWithDuckDb(con: DuckDBConnection, files: readonly string[], format: DatasetFormat, read: ReadOptions, work: string, parquet: string, ctx: AddReadContext): Promise<readonly ProfileColumn[]> {
  const { logger, dataset, progress, userText } = ctx;
  const described = await describeSource(con, files, format, read, work);
  // A column whose name in the file could not stay (repeated, blank): the user hears its new name.
  for (const r of described.renames) {
    logger.info({ dataset, column: r.position + 1, from: r.from, to: r.to }, 'a column of the file was renamed');
    progress(0, `${RENAMED}${renameNote(r)}`);
  }
  for (const note of described.readAgain ?? []) progress(0, `${READING_AGAIN}${userText(note)}`);
  for (const note of described.notes) progress(0, `${TYPED}${userText(note)}`);
  const writeOptions = parquetOptions(await sourceRows(con, files, format));
  const widened = (w: Widening) => logger.info({ dataset, ...w }, 'the types of the file widened after its sampled rows');
  return writeSourceParquet(con, described, parquet, writeOptions, (p, message) => progress(Math.min(60, p * 0.6), userText(message)), widened, ctx.signal);
}
