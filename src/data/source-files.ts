import { readdir, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { invalidArgument, sha256, sha256File } from '../core/index.js';
import { assertReadableFile, formatOfName, resolveFormat, type DatasetFormat } from './source-reader.js';

/** What `keel data add` reads: one file, every data file under a folder, or the files a glob matches. */
export interface SourceFiles {
  /** Absolute paths, sorted: the order of their rows in the version. */
  readonly files: readonly string[];
  readonly format: DatasetFormat;
}

/** Most files one add reads (each is a file DuckDB opens and a hash Keel computes). */
export const MAX_SOURCE_FILES = 10_000;

const isGlob = (path: string): boolean => /[*?[]/.test(path);
/** Hidden files, and the markers Spark and Hadoop write beside their parts (_SUCCESS, .crc). */
const isSkipped = (name: string): boolean => name.startsWith('.') || name.startsWith('_');

/**
 * The files of `path`, checked readable. A folder is read recursively (hidden and `_` names
 * skipped); its files need one format, from --format or their extensions. A glob (`*`, `?`, `[`,
 * `**` for any depth) is matched against the files under its fixed leading folders.
 */
export async function resolveSourceFiles(path: string, format: string | undefined): Promise<SourceFiles> {
  let files: string[];
  // A name that exists is itself, even with glob characters in it.
  const st = await stat(path).catch(() => undefined);
  if (!st && isGlob(path)) {
    files = await globFiles(path);
    if (files.length === 0) throw invalidArgument('file', `no file matches '${path}'`);
  } else {
    if (!st?.isDirectory()) {
      const resolved = resolveFormat(path, format);
      await assertReadableFile(path);
      return { files: [resolve(path)], format: resolved };
    }
    files = (await walk(path)).filter((f) => format !== undefined || formatOfName(f) !== undefined);
    if (files.length === 0) throw invalidArgument('file', `the folder '${path}' holds no ${format ?? 'CSV, Parquet or JSON'} file`);
  }
  if (files.length > MAX_SOURCE_FILES) throw invalidArgument('file', `'${path}' names ${files.length} files; one add reads at most ${MAX_SOURCE_FILES}`);
  const formats = new Set(files.map((f) => formatOfName(f)));
  const resolved = format !== undefined ? resolveFormat(files[0]!, format) : formats.size === 1 ? [...formats][0] : undefined;
  if (resolved === undefined) {
    const unknown = files.find((f) => formatOfName(f) === undefined);
    throw invalidArgument('format', unknown ? `cannot tell the format of '${unknown}' from its name; pass --format` : `'${path}' mixes formats (${[...formats].join(', ')}); add them separately or pass --format`);
  }
  for (const f of files) await assertReadableFile(f);
  return { files: files.sort(), format: resolved };
}

/**
 * The content identity of the files: a single file's sha256, or for several the sha256 of their
 * sha256s in order (so the same files hold the same version, whatever they are called).
 */
export async function contentHash(files: readonly string[]): Promise<string> {
  if (files.length === 1) return sha256File(files[0]!);
  const hashes: string[] = [];
  for (const f of files) hashes.push(await sha256File(f));
  return sha256(hashes.join('\n'));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
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
