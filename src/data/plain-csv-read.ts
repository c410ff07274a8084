/**
 * The JS read path for plain CSV files (docs/datasets.md, "Plain CSV files"): worker threads
 * parse shares of the file's lines into shared memory, then half of them encode the columns'
 * Parquet chunks and half compute their statistics (each V8 compiling one kind's code: 9% less
 * time on the benchmark's file than every thread doing both), and this thread writes the Parquet file. About twice as fast as DuckDB's read, Parquet
 * write and statistics passes, which each go over the data again; but it reads only files whose
 * every value it types as the DuckDB path would (plain-csv-parse.ts), and says why it gives up
 * on any other, which the DuckDB path then reads.
 */
import { stat } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { isKeelError, readEnv, readHead, startBundledWorker, throwIfAborted, type Logger } from '../core/index.js';
import { parquetFilePieces } from './parquet-js-file.js';
import { plainHeader, type ParsedPart } from './plain-csv-parse.js';
import { splitAtLines } from './plain-csv-range.js';
import { plainArenaMemory } from './plain-wasm.js';
import { partBuffers, plainTypes, zeroIntSigns } from './plain-csv-types.js';
import type { PlainType } from './plain-column.js';
import type { EncodedColumn } from './parquet-js-encode.js';
import type { ColumnEncoded, ColumnJob, ColumnProfiled, ColumnWork, PlainWorkerRequest } from './plain-csv-worker.js';
import type { ProfileColumn } from './profile-found.js';
import type { ColumnProfile } from './types.js';

/**
 * Files smaller than this go to the DuckDB path: the workers' start is not worth it. The
 * environment's KEEL_PLAIN_CSV_MIN_BYTES sets another (`Infinity`: never read in JS; 0: every
 * plain file, as the whole test suite can be run).
 */
export const PLAIN_MIN_BYTES = 1 << 20;

/**
 * Files larger than this go to the DuckDB path too: the JS path holds every value in memory
 * (about 8 bytes a number, 4 a word, and the Parquet's bytes: 400 MB of RSS for the benchmark's
 * 119 MB), where DuckDB streams the file in about 0.5 GB at any size.
 */
export const PLAIN_MAX_BYTES = 512 << 20;

function minBytes(): number {
  const env = readEnv().plainCsvMinBytes;
  return env !== undefined && !Number.isNaN(Number(env)) ? Number(env) : PLAIN_MIN_BYTES;
}

/** Rows per Parquet row group, as DuckDB writes them. */
const ROW_GROUP_ROWS = 122_880;

/** The header is looked for in this many bytes. */
const HEAD_BYTES = 1 << 16;

const COMMA = 44;

export interface PlainRead {
  readonly columns: ProfileColumn[];
  readonly profile: { rows: number; columns: ColumnProfile[] };
  /** The Parquet file, as the pieces to write one after the other (parquet-js-file.ts). */
  readonly parquet: readonly Buffer[];
}

export interface PlainReadOptions {
  readonly signal?: AbortSignal;
  /** Percent of the read done (0-100) and what it is doing. */
  readonly onProgress?: (percent: number, message: string) => void;
  /** See PLAIN_MIN_BYTES. */
  readonly minBytes?: number;
  /** Called once the workers have parsed the file: tests throw here (a failure of the JS path). */
  readonly afterParse?: () => void;
  /** Parse threads (default: one a core, up to 4) and rows a row group: for the tests. */
  readonly threads?: number;
  readonly rowGroupRows?: number;
}

/** Reads `path` into a Parquet file's bytes with its statistics, or says why it is not plain. */
export async function readPlainCsv(path: string, options: PlainReadOptions = {}): Promise<PlainRead | { bail: string }> {
  const size = (await stat(path)).size;
  if (size < (options.minBytes ?? minBytes())) return { bail: 'small file' };
  if (size > PLAIN_MAX_BYTES) return { bail: 'large file' };
  // core's readHead would decompress a .gz file's head, whose body the workers read as it is.
  if (/\.(gz|zst)$/i.test(path)) return { bail: 'compressed file' };
  const head = await readHead(path, HEAD_BYTES);
  const header = plainHeader(head, COMMA);
  if ('bail' in header) return header;
  const { names } = header;
  if (names.length < 2) return { bail: 'one column' };
  const threads = options.threads ?? Math.max(1, Math.min(4, availableParallelism()));
  const rowGroupRows = options.rowGroupRows ?? ROW_GROUP_ROWS;
  const bounds = [...splitAtLines(path, header.end, size, threads), size];
  synchronousOsr(true);
  const workers = await Promise.all(bounds.slice(1).map(() => startBundledWorker(new URL('./plain-csv-worker.ts', import.meta.url)))).catch((e: unknown) => {
    synchronousOsr(false);
    throw e;
  });
  const stop = () => void Promise.all(workers.map((w) => w.terminate()));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    options.onProgress?.(0, 'reading');
    // One memory for the workers' columns and loops (plain-wasm.ts).
    const memory = plainArenaMemory();
    const parts = await Promise.all(
      workers.map((w, k) => ask<Parsed>(w, { op: 'parse', path, from: bounds[k]!, to: bounds[k + 1]!, width: names.length, delimiter: COMMA, memory })),
    );
    throwIfAborted(options.signal, 'the add');
    const bail = parts.find((p) => p.op === 'bail');
    if (bail) return { bail: bail.reason };
    const parsed = parts as Extract<Parsed, { op: 'parsed' }>[];
    options.afterParse?.();
    const types = plainTypes(parsed, names);
    if ('bail' in types) return types;
    const partRows = parsed.map((p) => p.rows);
    const rows = partRows.reduce((a, b) => a + b, 0);
    zeroIntSigns(parsed, types);
    options.onProgress?.(50, 'statistics');
    const encoded = new Array<readonly EncodedColumn[]>(names.length);
    const profiles = new Array<ColumnProfile>(names.length);
    // Two queues of the same batches: each worker takes from its own kind's (half the workers
    // encode, half profile) and from the other once its own is empty. The columns are in shared
    // memory: an encoding and a profile of one column may run at once.
    const queues: Record<ColumnWork, number[][]> = { encode: columnBatches(names, types, rows), profile: columnBatches(names, types, rows) };
    let finished = 0;
    await Promise.all(
      workers.map(async (w, k) => {
        const own: ColumnWork = k % 2 === 0 ? 'encode' : 'profile';
        for (;;) {
          const work: ColumnWork = queues[own].length > 0 ? own : own === 'encode' ? 'profile' : 'encode';
          const batch = queues[work].shift();
          if (!batch) return;
          const jobs = batch.map((index): ColumnJob => ({ index, name: names[index]!, type: types[index]!, parts: parsed.map((p) => p.columns[index]!) }));
          const answer = await ask<{ done: (ColumnEncoded | ColumnProfiled)[] }>(w, { op: work, columns: jobs, partRows, rowGroupRows }, jobs.flatMap((j) => partBuffers(j.parts)));
          for (const d of answer.done) {
            if ('encoded' in d) encoded[d.index] = d.encoded;
            else profiles[d.index] = d.profile;
          }
          finished += jobs.length;
          options.onProgress?.(50 + (20 * finished) / names.length, 'statistics');
        }
      }),
    );
    throwIfAborted(options.signal, 'the add');
    const pieces = parquetFilePieces(names, types, encoded, rows, rowGroupRows);
    return {
      columns: names.map((name, i) => ({ name, type: types[i]! })),
      profile: { rows, columns: profiles },
      parquet: pieces.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
    };
  } catch (e) {
    // A stopped worker's error, when the add was interrupted, is the interruption.
    throwIfAborted(options.signal, 'the add');
    throw e;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    stop();
    synchronousOsr(false);
  }
}

/**
 * V8's on-stack replacement made synchronous while the workers run (a process-wide flag, set back
 * after): a hot loop is compiled on the spot, not on a background thread while it runs on in slow
 * baseline code that allocates a heap number per double. The workers' work is a few long loops
 * each, and on 2 cores that background thread competes with them: `keel data add` of the
 * benchmark's file took about a tenth less time and CPU (docs/datasets.md, "Plain CSV files").
 * Not set for the whole CLI: its start, compiled synchronously, took some 40 ms more.
 */
function synchronousOsr(on: boolean): void {
  // Reads that overlap (a server's) share the setting: the last to finish sets it back.
  readsRunning += on ? 1 : -1;
  if (readsRunning === (on ? 1 : 0)) setFlagsFromString(on ? '--no-concurrent-osr' : '--concurrent-osr');
}

let readsRunning = 0;

type Parsed = ({ op: 'parsed' } & ParsedPart) | { op: 'bail'; reason: string };

/** Values a batch of columns sent to a worker holds at least (unless it is the last): a wide file's columns go a few hundred at a time, not one message each. */
const BATCH_CELLS = 1 << 20;

/**
 * The columns in batches for the workers: the costliest first (numbers take a sort, text a count),
 * so that the last batches, which one worker may finish alone, are short.
 */
function columnBatches(names: readonly string[], types: readonly PlainType[], rows: number): number[][] {
  const order = names.map((_, i) => i).sort((a, b) => Number(types[a] === 'string') - Number(types[b] === 'string'));
  const perBatch = Math.max(1, Math.ceil(BATCH_CELLS / Math.max(rows, 1)));
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += perBatch) batches.push(order.slice(i, i + perBatch));
  return batches;
}

/** Sends `req` to the worker and waits for its answer; a worker's error, or its exit, rejects. */
function ask<T>(w: Worker, req: PlainWorkerRequest, transfer: ArrayBuffer[] = []): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: { op: string; message?: string }) => {
      cleanup();
      if (m.op === 'error') reject(new Error(`plain CSV worker: ${m.message}`));
      else resolve(m as T);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = () => {
      cleanup();
      reject(new Error('plain CSV worker stopped'));
    };
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage(req, transfer);
  });
}

/**
 * readPlainCsv for an add: the read, or undefined (the reason logged at debug level) where the
 * file is not plain. A failure of the JS path itself (a worker that stopped) is logged as a
 * warning and the file left to DuckDB, which reads any file: the user's add does not fail for it.
 */
export async function readPlainForAdd(file: string, ctx: { logger: Logger; dataset: string; progress: (done: number, message: string) => void; signal?: AbortSignal; minBytes?: number; afterParse?: () => void }): Promise<PlainRead | undefined> {
  let read;
  try {
    read = await readPlainCsv(file, { signal: ctx.signal, minBytes: ctx.minBytes, onProgress: (p, message) => ctx.progress(p * 0.6, message), ...(ctx.afterParse ? { afterParse: ctx.afterParse } : {}) });
  } catch (e) {
    if (isKeelError(e)) throw e;
    ctx.logger.warn({ dataset: ctx.dataset, err: e }, 'the JS read of a plain CSV file failed: read by DuckDB');
    return undefined;
  }
  if ('profile' in read) {
    ctx.logger.debug({ dataset: ctx.dataset, rows: read.profile.rows }, 'a plain CSV file: read in JS');
    return read;
  }
  ctx.logger.debug({ dataset: ctx.dataset, reason: read.bail }, 'not a plain CSV file: read by DuckDB');
  return undefined;
}
