import { link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sweepOrphanedWorkDirs, workFileName } from '../core/index.js';

/**
 * A blob that `keel gc` has set aside (renamed into tmp/) while it looks at its time, named
 * `aside-HOST-PID-RANDOM-TIME-SHA`: the process, when it was set aside (epoch ms), and which blob it
 * is. A gc killed before it removes the file or puts it back leaves it; the store then puts it
 * back at its path (restoreSetAside), never deletes it, so that a blob a writer was about to
 * record is not lost: the next gc decides about it by the usual rules.
 */
const ASIDE_KIND = 'aside';

/** How long ago a blob must have been set aside to be taken as left behind whatever its process (another host's, or a PID taken over): a set-aside lasts a stat. */
export const ASIDE_STALE_MS = 60 * 60 * 1000;

const ASIDE_RE = /^aside-[A-Za-z0-9._]+-\d+-[0-9a-f]{16}-(\d+)-([0-9a-f]{64})$/;

/** A fresh name in tmp/ for the blob `sha` set aside now. */
export function asideName(sha: string): string {
  return `${workFileName(ASIDE_KIND)}-${Date.now()}-${sha}`;
}

/**
 * Puts the file `aside` back at `dest` unless a blob is there already (a writer stored its own
 * copy meanwhile: the same bytes, so the aside copy goes). A link does not replace what is there;
 * a store on a filesystem without hard links is put back by a rename.
 */
export async function putBack(aside: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await link(aside, dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw e;
    if (code !== 'EEXIST') {
      await rename(aside, dest);
      return;
    }
  }
  await rm(aside, { force: true });
}

/**
 * Puts back the blobs set aside in `tmp` by processes that have ended (or over ASIDE_STALE_MS ago),
 * only those of `only` when given; `dest` is a blob's path. Returns how many aside files it dealt
 * with (put back, or removed as a blob was there again). One that cannot be put back stays.
 */
export async function restoreSetAside(tmp: string, dest: (sha: string) => string, only?: string): Promise<number> {
  const restore = async (path: string): Promise<void> => {
    const m = ASIDE_RE.exec(path.slice(tmp.length + 1));
    if (!m || (only !== undefined && m[2] !== only)) throw new Error('not this one');
    await putBack(path, dest(m[2]!)).catch((e: unknown) => {
      // Gone meanwhile: another process put it back.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    });
  };
  // Another host's aside files are never taken as ended by their mtime (a set-aside keeps the blob's old one): by the time in their name below.
  let done = await sweepOrphanedWorkDirs(tmp, ASIDE_KIND, Date.now(), restore, Number.POSITIVE_INFINITY);
  const stale = Date.now() - ASIDE_STALE_MS;
  for (const n of await readdir(tmp).catch(() => [])) {
    const m = ASIDE_RE.exec(n);
    if (!m || Number(m[1]) >= stale) continue;
    try {
      await restore(join(tmp, n));
      done++;
    } catch {
      // Stays for a later sweep.
    }
  }
  return done;
}
