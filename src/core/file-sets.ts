/**
 * The data files a path names, shared by the data layer (which reads them) and the client (which
 * uploads them): one file, every data file under a folder, or the files a glob matches. Also the
 * dataset formats and the extensions that imply them.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, rename, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { basename, relative, resolve } from 'node:path';
import { invalidArgument, isKeelError, type KeelError } from './errors.js';

export const DATASET_FORMATS = ['csv', 'parquet', 'json', 'ndjson'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

const EXTENSIONS: readonly [RegExp, DatasetFormat][] = [
  [/\.(csv|tsv|txt)(\.gz|\.zst)?$/i, 'csv'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(ndjson|jsonl)(\.gz)?$/i, 'ndjson'],
  [/\.json(\.gz)?$/i, 'json'],
];

export function isDatasetFormat(f: string): f is DatasetFormat {
  return (DATASET_FORMATS as readonly string[]).includes(f);
}

/** The format a file name's extension implies, if any. */
export function formatOfName(path: string): DatasetFormat | undefined {
  return EXTENSIONS.find(([re]) => re.test(path))?.[1];
}

/**
 * The formats several files' names give, each with its first file by base name (`csv: 'a.csv';
 * ndjson: 'b.ndjson'`), when they give more than one and all are known; undefined otherwise. The
 * base names, as an upload knows its parts by them (the server's stored paths are not the user's).
 */
export function mixedFormats(files: readonly string[]): string | undefined {
  const first = new Map<DatasetFormat, string>();
  for (const f of files) {
    const format = formatOfName(f);
    if (format === undefined) return undefined;
    if (!first.has(format)) first.set(format, f);
  }
  if (first.size < 2) return undefined;
  return [...first].map(([format, f]) => `${format}: '${basename(f)}'${files.filter((x) => formatOfName(x) === format).length > 1 ? ' ...' : ''}`).join('; ');
}

/** Whether bytes start as gzip's do (1f 8b), whatever the file's name says. */
const isGzipStart = (bytes: Buffer): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Opens the file once to turn "missing", "a directory" or "unreadable" into a clear error. Returns
 * its size, whether its bytes are gzip's, and its first 8 bytes (read with the same look at its start).
 */
export async function assertReadableFile(path: string): Promise<{ size: number; gzipped: boolean; start: Buffer }> {
  let size: number;
  // Enough for the signatures of other kinds of files (source-kind.ts in the data layer).
  const start = Buffer.alloc(8);
  try {
    // Not opened when it is not a file: open waits for a FIFO's writer, which may never come.
    const kind = await stat(path);
    if (!kind.isFile() && !kind.isDirectory()) throw invalidArgument('file', `'${path}' is not a regular file (${kind.isFIFO() ? 'a pipe' : kind.isSocket() ? 'a socket' : 'a device'})`);
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw invalidArgument('file', `'${path}' is not a regular file`);
      size = st.size;
      // Reading the first bytes catches EISDIR and permission problems that open() alone may not.
      await fh.read(start, 0, start.length, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (isKeelError(e)) throw e;
    throw unreadableFile(`'${path}'`, e);
  }
  if (size === 0) throw invalidArgument('file', `'${path}' is empty`);
  return { size, gzipped: isGzipStart(start), start: start.subarray(0, Math.min(size, start.length)) };
}

/** Most files one add reads (each is a file DuckDB opens and a hash Keel computes). */
export const MAX_SOURCE_FILES = 10_000;

const isGlob = (path: string): boolean => /[*?[]/.test(path);
/** Hidden files, and the markers Spark and Hadoop write beside their parts (_SUCCESS, .crc). */
const isSkipped = (name: string): boolean => name.startsWith('.') || name.startsWith('_');

/**
 * The files `path` names, as absolute paths sorted (the order of their rows), and whether it named
 * several (a folder or a glob). A path that exists and is not a folder is itself, even with glob
 * characters in it (it is not checked here). A folder is read recursively, hidden and `_` names
 * skipped, keeping the files of a known format unless `format` is given. A glob (`*`, `?`, `[`,
 * `**` for any depth) is matched against the files under its fixed leading folders.
 */
export async function listSourceFiles(path: string, format: string | undefined): Promise<{ files: string[]; many: boolean }> {
  const st = await stat(path).catch(() => undefined);
  let files: string[];
  if (!st && isGlob(path)) {
    files = await globFiles(path);
    if (files.length === 0) throw invalidArgument('file', `no file matches '${path}'`);
  } else {
    if (!st?.isDirectory()) return { files: [resolve(path)], many: false };
    files = (await walk(path)).filter((f) => format !== undefined || formatOfName(f) !== undefined);
    if (files.length === 0) throw invalidArgument('file', `the folder '${path}' holds no ${format ?? 'CSV, Parquet or JSON'} file`);
  }
  if (files.length > MAX_SOURCE_FILES) throw invalidArgument('file', `'${path}' names ${files.length} files; one add reads at most ${MAX_SOURCE_FILES}`);
  return { files: files.sort(), many: true };
}

/**
 * The error of a file or folder the OS would not let Keel read (`what`: how the message names it;
 * `field`: the argument or flag that named it). A file the user names is their input, so a missing
 * one is INVALID_ARGUMENT, as for every command that reads one (not NOT_FOUND, kept for what Keel stores).
 */
export function unreadableFile(what: string, e: unknown, field = 'file'): KeelError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  // Node says "ENOENT: no such file or directory, open 'x.csv'": the middle is what the user needs.
  const why = (e as Error).message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return invalidArgument(field, `cannot read ${what}: ${why} (${code})`, e);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  // A folder the user may not list (chmod 000) was an INTERNAL error with Node's stack.
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
    throw unreadableFile(`the folder '${dir}'`, e);
  });
  for (const e of entries) {
    if (isSkipped(e.name)) continue;
    const p = resolve(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function globFiles(pattern: string): Promise<string[]> {
  const abs = resolve(pattern);
  const parts = abs.split('/');
  const firstGlob = parts.findIndex(isGlob);
  const root = parts.slice(0, firstGlob).join('/') || '/';
  const re = globRegExp(parts.slice(firstGlob).join('/'));
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) return [];
  return (await walk(root)).filter((f) => re.test(relative(root, f)));
}

/** A glob as a RegExp over `/`-separated relative paths: `**` any folders, `*` and `?` within a name, `[...]` a class. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The first `bytes` bytes of a file's content (fewer when it is shorter; a `.gz` file's
 * decompressed): what sniffing a CSV looks at.
 */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  if (/\.gz$/i.test(path)) return gunzipHead(path, bytes);
  // Not zeroed: only the bytes read are kept.
  const head = Buffer.allocUnsafe(bytes);
  const fh = await open(path, 'r');
  try {
    const { bytesRead } = await fh.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A spooled file (stdin, an upload) with `.gz` added to its name when its bytes are gzip's (they
 * start 1f 8b) and its name does not say so: DuckDB and readHead tell a gzipped file by its name.
 * Returns the path it now has.
 */
export async function markGzipped(path: string): Promise<string> {
  if (/\.gz$/i.test(path)) return path;
  const magic = Buffer.alloc(2);
  const fh = await open(path, 'r');
  try {
    await fh.read(magic, 0, 2, 0);
  } finally {
    await fh.close();
  }
  if (!isGzipStart(magic)) return path;
  await rename(path, `${path}.gz`);
  return `${path}.gz`;
}

async function gunzipHead(path: string, bytes: number): Promise<Buffer> {
  const source = createReadStream(path);
  const content = source.pipe(createGunzip());
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of content) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= bytes) break;
    }
  } finally {
    content.destroy();
    source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}
