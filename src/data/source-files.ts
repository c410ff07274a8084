import { mkdir, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { assertReadableFile, invalidArgument, listSourceFiles, mixedFormats, prestartedHash, sha256, sha256File, formatOfName, type DatasetFormat, type FileStamps, type KeelError } from '../core/index.js';
import { adviceError, rewritten } from './advice-error.js';
import { isTsv } from './read-options.js';
import { resolveFormat } from './source-reader.js';
import { assertNotBlank, assertTextStart } from './source-kind.js';

/** What `keel data add` reads: one file, every data file under a folder, or the files a glob matches. */
export interface SourceFiles {
  /** Absolute paths, sorted: the order of their rows in the version. */
  readonly files: readonly string[];
  readonly format: DatasetFormat;
  /** Those of `files` whose bytes are gzip's though their names do not end in .gz (readableFiles). */
  readonly gzipped: readonly string[];
}

/**
 * The files of `path` (listSourceFiles), checked readable, and their one format, from --format or
 * their extensions.
 */
export async function resolveSourceFiles(path: string, format: string | undefined, delimiter?: string): Promise<SourceFiles> {
  const { files, many } = await listSourceFiles(path, format);
  if (!many) {
    const resolved = resolveFormat(path, format);
    const { gzipped, start, size } = await assertReadableFile(path);
    assertTextStart(path, resolved, start);
    if (!gzipped) await assertNotBlank(path, resolved, size);
    return withGzipped(files, resolved, gzipped ? files : []);
  }
  const formats = new Set(files.map((f) => formatOfName(f)));
  const resolved = format !== undefined ? resolveFormat(files[0]!, format) : formats.size === 1 ? [...formats][0] : undefined;
  if (resolved === undefined) {
    const unknown = files.find((f) => formatOfName(f) === undefined);
    // The files named too: through the HTTP API the folder is 'the upload', which the user never named.
    throw adviceError('format', (say) => (unknown ? `cannot tell the format of '${unknown}' from its name; pass ${say('format')}` : `'${path}' mixes formats (${mixedFormats(files)}); add them separately or pass ${say('format')}`));
  }
  // One delimiter reads them all (source-reader.ts): the one given, else tab for .tsv, else a comma.
  if (resolved === 'csv' && delimiter === undefined && new Set(files.map((f) => isTsv(f))).size > 1) {
    throw invalidArgument('file', `'${path}' mixes tab-separated (.tsv) and comma-separated files; add them separately`);
  }
  // Several at once (10,000 files: 1.7 s one at a time, 0.8 s); the first unreadable in path order is the error.
  const gzipped: string[] = [];
  for (let i = 0; i < files.length; i += CHECKS_AT_ONCE) {
    const batch = files.slice(i, i + CHECKS_AT_ONCE);
    const checked = await Promise.allSettled(batch.map(assertReadableFile));
    const failed = checked.find((c) => c.status === 'rejected');
    if (failed) throw failed.reason;
    checked.forEach((c, j) => {
      if (c.status !== 'fulfilled') return;
      assertTextStart(batch[j]!, resolved, c.value.start);
      if (c.value.gzipped) gzipped.push(batch[j]!);
    });
  }
  return withGzipped(files, resolved, gzipped);
}

/**
 * The source files with those whose bytes are gzipped and whose names do not say so (`cp
 * x.csv.gz x.csv`). A Parquet file compresses its own pages, and DuckDB reads it only as it is.
 */
function withGzipped(files: readonly string[], format: DatasetFormat, gzipped: readonly string[]): SourceFiles {
  const unnamed = gzipped.filter((f) => !/\.gz$/i.test(f));
  if (format === 'parquet' && unnamed.length > 0) throw invalidArgument('file', `'${unnamed[0]}' is gzipped, and a Parquet file is read as it is: gunzip it`);
  return { files, format, gzipped: unnamed };
}

/**
 * The files as the readers take them, each gzipped one through a link in `dir` named as the file
 * with .gz added (DuckDB and readHead tell a gzipped file by its name; the user's file keeps its
 * own), and the functions that give an error of the read, and a note, the user's file names back.
 */
export async function readableFiles(source: SourceFiles, dir: string): Promise<{ files: string[]; userNames: (e: KeelError) => KeelError; userText: (message: string) => string }> {
  const links = new Map<string, string>();
  for (const [i, file] of source.gzipped.entries()) {
    // A folder each: two gzipped files of a folder may have the same base name.
    const folder = join(dir, 'gzipped', String(i));
    await mkdir(folder, { recursive: true });
    links.set(file, join(folder, `${basename(file)}.gz`));
    await symlink(file, links.get(file)!);
  }
  // A link's path first, then its base name (DuckDB's errors and Keel's name a file either way).
  const userText = (message: string): string => [...links].reduce((m, [file, link]) => m.replaceAll(link, file).replaceAll(basename(link), basename(file)), message);
  return { files: source.files.map((f) => links.get(f) ?? f), userNames: (e) => rewritten(e, userText), userText };
}

/**
 * The content identity of the files: a single file's sha256, or for several the sha256 of their
 * sha256s in order (so the same files hold the same version, whatever they are called).
 */
export async function contentHash(files: readonly string[], stamps?: FileStamps): Promise<string> {
  // A large CSV's hash may have been started with the CLI (bin/prestart.js).
  if (files.length === 1) return (stamps && (await prestartedHash(files[0]!, stamps))) ?? sha256File(files[0]!);
  // Several at once: a small file's hash is mostly waiting on open, stat and close.
  const hashes: string[] = [];
  for (let i = 0; i < files.length; i += HASHES_AT_ONCE) hashes.push(...(await Promise.all(files.slice(i, i + HASHES_AT_ONCE).map(sha256File))));
  return sha256(hashes.join('\n'));
}

/** Files checked readable at once. */
const CHECKS_AT_ONCE = 32;

/** Files hashed at once (10,000 parts of 12 KB: 2.2 s one at a time, 1.4 s eight at a time). */
const HASHES_AT_ONCE = 8;
