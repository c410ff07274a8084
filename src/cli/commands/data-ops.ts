import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatasetAdded, DatasetDiffResult, DatasetListItem, DatasetRowsPage, DatasetVersionDetail, DatasetVersionInfo } from '../../client/index.js';
import { formatOfName, invalidArgument, isKeelError, KeelError, makeWorkDir, markGzipped, type LogicalType } from '../../core/index.js';
import { assertDatasetName, commandLineAdvice, resolveExportFormat, resolveSourceFiles, writeExport, type AddDatasetOptions, type ExportResult } from '../../data/index.js';
import type { ProgressEvent } from '../../jobs/index.js';
import type { CliContext } from '../context.js';

/** The data layer's add options, the given types already checked (the client sends them on as they are). */
type AddOptions = AddDatasetOptions & { readonly types?: Readonly<Record<string, LogicalType>> };

/** The calls `keel data` makes, on the local store or through the client (`--server`). */
export interface DataOps {
  add(name: string, file: string, options: AddOptions, onProgress: (e: ProgressEvent) => void, signal: AbortSignal): Promise<DatasetAdded>;
  list(): Promise<DatasetListItem[]>;
  versions(name: string): Promise<DatasetVersionInfo[]>;
  get(ref: string): Promise<DatasetVersionDetail>;
  diff(a: string, b: string): Promise<DatasetDiffResult>;
  rows(ref: string, options: { limit: number; offset: number; columns?: string[] }): Promise<DatasetRowsPage>;
  /** To a path, or a stream (stdout: `-`), left open. */
  export(ref: string, dest: string | Writable, format: string | undefined): Promise<ExportResult>;
}

export async function dataOps(ctx: CliContext): Promise<DataOps> {
  if (ctx.isRemote) {
    const client = ctx.client().datasets;
    return {
      // The server's advice names its query parameters (?format=); this CLI's user passes flags.
      add: async (n, f, { source: _source, ...o }, onProgress, signal) => {
        // A local add's first checks, in its order: a bad name before the file, the file named as
        // given (the client names it by its absolute path), the format told from its name.
        assertDatasetName(n, 'name');
        await resolveSourceFiles(f, o.format, o.delimiter);
        return client.add(n, f, { ...o, signal, onProgress }).catch((e: unknown) => {
          if (!isKeelError(e)) throw e;
          const message = commandLineAdvice(e.message);
          throw message === e.message ? e : new KeelError(e.code, message, { ...(e.field === undefined ? {} : { field: e.field }), cause: e });
        });
      },
      list: () => client.list(),
      versions: (n) => client.versions(n),
      get: (r) => client.get(r),
      diff: (a, b) => client.diff(a, b),
      rows: (r, o) => client.rows(r, o),
      async export(ref, dest, format) {
        // The server sends the stored Parquet; another format is written here from a download of it.
        const f = resolveExportFormat(typeof dest === 'string' ? dest : undefined, format);
        const v = await client.get(ref);
        const exact = `${v.name}@${v.version}`;
        if (f === 'parquet') {
          await client.download(exact, dest);
        } else {
          const tmp = await makeWorkDir(tmpdir(), 'keel-export');
          try {
            await client.download(exact, join(tmp, 'data.parquet'));
            await writeExport(join(tmp, 'data.parquet'), dest, f, tmp);
          } finally {
            await rm(tmp, { recursive: true, force: true });
          }
        }
        return { name: v.name, version: v.version, rows: v.rows, format: f, path: typeof dest === 'string' ? resolve(dest) : '-' };
      },
    };
  }
  const datasets = (await ctx.platform()).datasets;
  return {
    add: (n, f, o, onProgress, signal) => datasets.add(n, f, o, { onProgress, signal }),
    list: () => datasets.list(),
    versions: (n) => datasets.versions(n),
    get: (r) => datasets.get(r),
    diff: (a, b) => datasets.diff(a, b),
    rows: (r, o) => datasets.rows(r, o),
    export: (ref, dest, format) => datasets.export(ref, dest, format === undefined ? {} : { format }),
  };
}

/**
 * FILE `-` is stdin, and a FILE that is a pipe (a FIFO, `/dev/stdin` piped into, a shell's
 * `<(zcat x.csv.gz)`) is read as stdin is: spooled to a temp file first (the content hash and
 * DuckDB's parallel read both need a file, which a pipe read twice is not), recorded as the source
 * `stdin` (`-`, `/dev/stdin`) or the pipe's path. Gzipped bytes are read as a .gz file is.
 */
export async function withStdinSpooled<T>(file: string, format: string | undefined, add: (path: string, source?: string) => Promise<T>): Promise<T> {
  const kind = file === '-' ? 'stdin' : await pipeKind(file);
  if (kind === undefined) return add(file);
  const stdin = kind === 'stdin';
  const said = file === '-' ? "stdin ('-')" : `'${file}'`;
  // A pipe's name may tell its format (mkfifo rows.csv); /dev/fd/63 does not.
  const given = format ?? formatOfName(file);
  if (given === undefined) throw invalidArgument('--format', `reading from ${said} needs --format (csv, parquet, json or ndjson)`);
  if (stdin && process.stdin.isTTY) throw invalidArgument('file', `${said} reads the data from stdin, but stdin is a terminal: pipe the data in`);
  const dir = await makeWorkDir(tmpdir(), 'keel-stdin');
  try {
    // The pipe's own name where it has a format's (a .tsv is then read with tabs): errors name it.
    const own = basename(file);
    const path = join(dir, !stdin && formatOfName(own) !== undefined ? own : `stdin.${given.replace(/[^a-z]/g, '')}`);
    await pipeline(stdin ? process.stdin : createReadStream(file), createWriteStream(path));
    if ((await stat(path)).size === 0) throw invalidArgument('file', `${said} is empty: nothing was ${stdin ? 'piped in' : 'written to the pipe'}`);
    return await add(await markGzipped(path), stdin ? 'stdin' : resolve(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths of this process's stdin: read as `-` is (Node's child processes get a socket, which no path opens). */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Whether `file` is stdin (not redirected from a file) or a FIFO, which a read consumes; stat, unlike open, does not wait for a FIFO's writer. */
async function pipeKind(file: string): Promise<'stdin' | 'pipe' | undefined> {
  const st = await stat(file).catch(() => undefined);
  if (st === undefined || st.isFile()) return undefined;
  if (STDIN_PATHS.has(file)) return 'stdin';
  return st.isFIFO() ? 'pipe' : undefined;
}
