/**
 * A CSV file's bytes streamed, a chunk at a time (constant memory), from the file itself or from
 * its gzip (readableFiles names every gzipped file `.gz`): into a rewritten copy that DuckDB reads
 * instead of the file (csv-space-lines.ts, csv-line-endings.ts), or through a scan alone.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Widening } from './csv-columns.js';
import type { ReadOptions } from './read-options.js';

const gzipped = (path: string): boolean => /\.gz$/i.test(path);

/**
 * A plain copy of the CSV `path` in `workDir`/`folder`, its bytes passed through `rewrite`; named
 * as the file (but for .gz: DuckDB's messages name a file by its base name). The copy lives in
 * the add's work folder, which goes with the add however it ends (a killed add's, with the next
 * add's sweep of orphaned work folders).
 */
export async function rewrittenCopy(path: string, workDir: string, folder: string, rewrite: (chunks: AsyncIterable<Buffer>) => AsyncIterable<Buffer>): Promise<string> {
  const dir = join(workDir, folder);
  await mkdir(dir, { recursive: true });
  const copy = join(dir, basename(path).replace(/\.gz$/i, ''));
  const source = createReadStream(path);
  await (gzipped(path) ? pipeline(source, createGunzip(), rewrite, createWriteStream(copy)) : pipeline(source, rewrite, createWriteStream(copy)));
  return copy;
}

/**
 * Passes the bytes of `path` to `look` a chunk at a time, until it returns true (then the rest is
 * not read, nor decompressed) or the file ends. Returns whether `look` stopped it. `gzipChunk`:
 * the bytes a gzipped file is decompressed into at a time (zlib's default otherwise).
 */
export async function scanFile(path: string, look: (chunk: Buffer) => boolean, gzipChunk?: number): Promise<boolean> {
  const done = new AbortController();
  const scan = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of chunks) if (look(chunk)) return done.abort();
  };
  const source = createReadStream(path);
  try {
    await (gzipped(path) ? pipeline(source, createGunzip(gzipChunk === undefined ? {} : { chunkSize: gzipChunk }), scan, { signal: done.signal }) : pipeline(source, scan, { signal: done.signal }));
  } catch (e) {
    if (!done.signal.aborted) throw e;
  }
  return done.signal.aborted;
}

/** The files to read instead of a CSV's, some rewritten for DuckDB to read as pandas reads them, and why (said as a widening is). */
export interface RewrittenCopy {
  readonly files: readonly string[];
  readonly widening: Widening;
}

/**
 * A rewrite of CSV `files` (one, or a folder's parts) that a failed sniff or read (`error`) may
 * call for: the files with copies in `workDir` in place of those it rewrote, or undefined when the
 * error is not one it mends.
 */
export interface CsvRewrite {
  /** The rewrite's name; the copies' folder in the work folder. */
  readonly name: string;
  copy(error: unknown, files: readonly string[], workDir: string, read: ReadOptions): Promise<RewrittenCopy | undefined>;
}
