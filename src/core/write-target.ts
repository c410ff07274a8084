import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { chmod, open, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { invalidArgument, isKeelError } from './errors.js';
import { sweepOrphanedWorkDirs, workFileName } from './temp-dirs.js';

/**
 * Where a write to a user's path goes, as `cp` and pandas' `to_csv` write: a symlink is followed
 * (its target is written, the link stays a link); a FIFO or character device that exists is
 * written in place, as the bytes come (a rename over it had replaced it: a FIFO's reader got
 * nothing, and root's export to /dev/stdout made that a regular file); a regular file or a new
 * path is written whole or not at all.
 */
export interface WriteTarget {
  /** The path written: a file's with its symlinks followed (the temp file goes beside it). */
  readonly path: string;
  /** A FIFO or character device, written in place; else a temp file beside `path` is renamed over it. */
  readonly inPlace: boolean;
  /** The permission bits of the regular file that is replaced: the new one keeps them. */
  readonly mode?: number;
}

/** How many links a destination may go through (Linux's own limit, ELOOP past it). */
const MAX_LINKS = 40;

export async function resolveWriteTarget(dest: string): Promise<WriteTarget> {
  let st;
  try {
    // The kernel follows the links: /dev/stdout's /proc/self/fd/1 names a pipe (pipe:[123]) that no path reaches.
    st = await stat(dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path: await followLinks(dest), inPlace: false };
    throw cannotWrite(dest, e);
  }
  if (st.isFIFO() || st.isCharacterDevice()) return { path: dest, inPlace: true };
  if (st.isFile()) return { path: await realpath(dest).catch((e: unknown) => Promise.reject(cannotWrite(dest, e))), inPlace: false, mode: st.mode & 0o7777 };
  const kind = st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : 'a block device';
  throw invalidArgument('file', `cannot write '${dest}': it is ${kind}; name a file, a FIFO or a character device`);
}

/**
 * Writes `dest` by `write(path, inPlace)`: in place for a FIFO or character device; else into a
 * temp file beside the (link-followed) target, `FILE.keel-tmp-HOST-PID-…`, created first so that
 * a missing or read-only folder is a clear error before any work, and renamed over the target
 * once whole. Such temp files of the same target whose process has ended (a kill -9) are removed
 * first. A path that cannot be written is INVALID_ARGUMENT naming `dest`.
 */
export async function writeToTarget(dest: string, write: (path: string, inPlace: boolean) => Promise<void>): Promise<WriteTarget> {
  const target = await resolveWriteTarget(dest);
  if (target.inPlace) {
    try {
      await write(target.path, true);
    } catch (e) {
      throw cannotWrite(dest, e);
    }
    return target;
  }
  // Named for its process, so that the next write to the same file removes what a kill -9 left
  // in the user's folder, and never a live write's temp file.
  const kind = `${basename(target.path)}.keel-tmp`;
  await sweepOrphanedWorkDirs(dirname(target.path), kind).catch(() => 0); // best effort: open() below names a folder that cannot be written
  const tmp = join(dirname(target.path), workFileName(kind));
  try {
    await (await open(tmp, 'wx')).close();
    await write(tmp, false);
    if (target.mode !== undefined) await chmod(tmp, target.mode);
    await rename(tmp, target.path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw cannotWrite(dest, e);
  }
  return target;
}

/** Writes `chunks` into `out` and waits until `out` has taken them all; `out` stays open (it may be stdout). */
export async function writeChunksInto(chunks: AsyncIterable<Buffer | Uint8Array>, out: Writable): Promise<void> {
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  await new Promise<void>((done, fail) => out.write('', (e) => (e ? fail(e) : done())));
}

/** The file at `path` written into `out` (see writeChunksInto). */
export const copyFileInto = (path: string, out: Writable): Promise<void> => writeChunksInto(createReadStream(path, { highWaterMark: 1 << 20 }), out);

/** A path that is not there yet, or a link to one (cp writes the link's target), its links followed as far as they go. */
async function followLinks(dest: string): Promise<string> {
  let path = resolve(dest);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let link: string;
    try {
      link = await readlink(path);
    } catch {
      // Not a link (EINVAL), or nothing there (ENOENT): the path to create.
      return path;
    }
    path = resolve(dirname(path), link);
  }
  throw invalidArgument('file', `cannot write '${dest}' (ELOOP: more than ${MAX_LINKS} symlinks)`);
}

/** A file-system error as the caller's (the path it named); anything else as it is. */
function cannotWrite(dest: string, e: unknown): unknown {
  if (isKeelError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const theirs = ['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENXIO'];
  return code !== undefined && theirs.includes(code) ? invalidArgument('file', `cannot write '${dest}' (${code})`, e) : e;
}
