import { randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** How old the temp entry of another host (a store shared over NFS, a container's volume) must be to be taken as left behind: its process cannot be asked. */
export const FOREIGN_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * What to undo for a dead process's work folder `path` before it is removed (e.g. a blob it stored
 * but never recorded). Which folders are live is not handed over: a list read before the cleanup
 * would miss a process that starts during it (liveWorkEntries reads them afresh).
 */
export type OrphanCleanup = (path: string) => Promise<void>;

/**
 * Work folders that a crashed or killed process cannot leave behind for good. Each is named
 * `KIND-HOST-PID-` and six random characters; the next one of its kind made in the same parent
 * first removes those of this host whose process no longer runs (kill -9, power loss), and those
 * of other hosts older than a day, each after `onOrphan` (when given) has looked into it. A Ctrl-C
 * is handled before that: long work takes an AbortSignal and removes its own folder.
 */
export async function makeWorkDir(parent: string, kind: string, onOrphan?: OrphanCleanup): Promise<string> {
  await mkdir(parent, { recursive: true });
  await sweepOrphanedWorkDirs(parent, kind, Date.now(), onOrphan);
  return mkdtemp(join(parent, `${kind}-${host()}-${process.pid}-`));
}

/** A name for a temp file of `kind` that sweepOrphanedWorkDirs can tell the writer of: `KIND-HOST-PID-` and 16 random hex digits. */
export function workFileName(kind: string): string {
  return `${kind}-${host()}-${process.pid}-${randomBytes(8).toString('hex')}`;
}

/**
 * Removes the `kind` work folders (and files) in `parent` left by processes that have ended: those
 * of this host whose PID no longer runs, and those of other hosts last changed more than
 * `foreignAgeMs` (a day) ago. Another live writer's entries stay, so several processes can share a store. `onOrphan` sees
 * each one before it goes; should it fail, the folder stays for a later sweep. Returns how many.
 */
export async function sweepOrphanedWorkDirs(parent: string, kind: string, now = Date.now(), onOrphan?: OrphanCleanup, foreignAgeMs = FOREIGN_TEMP_AGE_MS): Promise<number> {
  const { orphans } = await workEntries(parent, kind, now, foreignAgeMs);
  const removed = await Promise.all(
    orphans.map(async (path) => {
      try {
        await onOrphan?.(path);
      } catch {
        return false;
      }
      await rm(path, { recursive: true, force: true });
      return true;
    }),
  );
  return removed.filter(Boolean).length;
}

/** The `kind` work folders (and files) in `parent` whose process still runs, as sweepOrphanedWorkDirs tells them: read now, not cached. */
export async function liveWorkEntries(parent: string, kind: string, now = Date.now()): Promise<string[]> {
  return (await workEntries(parent, kind, now)).live;
}

/** The paths of `parent`'s `kind` entries, split into those of ended processes and those of live ones. */
async function workEntries(parent: string, kind: string, now: number, foreignAgeMs = FOREIGN_TEMP_AGE_MS): Promise<{ orphans: string[]; live: string[] }> {
  const orphans: string[] = [];
  const live: string[] = [];
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return { orphans, live };
  }
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A host part is host()'s: letters, digits, dots and underscores.
  const named = new RegExp(`^${escape(kind)}-([A-Za-z0-9._]+)-(\\d+)-`);
  const here = host();
  for (const n of names) {
    const m = named.exec(n);
    if (!m) continue;
    const pid = Number(m[2]);
    const path = join(parent, n);
    if (m[1] === here ? pid > 0 && !isRunning(pid) : await olderThan(path, now - foreignAgeMs)) orphans.push(path);
    else live.push(path);
  }
  return { orphans, live };
}

/** Whether `path` was last changed before `time` (false when it is gone). */
async function olderThan(path: string, time: number): Promise<boolean> {
  try {
    return (await lstat(path)).mtimeMs < time;
  } catch {
    return false;
  }
}

/** The host part of a work folder's name: the hostname without characters that would need escaping in paths. */
const host = (): string => hostname().replace(/[^A-Za-z0-9.]/g, '_') || 'host';

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
