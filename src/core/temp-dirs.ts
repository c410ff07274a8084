import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Work folders that a crashed or killed process cannot leave behind for good. Each is named
 * `KIND-HOST-PID-` and six random characters; the next one of its kind made in the same parent
 * first removes those of this host whose process no longer runs (kill -9, power loss). A Ctrl-C
 * is handled before that: long work takes an AbortSignal and removes its own folder.
 */
export async function makeWorkDir(parent: string, kind: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  await sweepOrphanedWorkDirs(parent, kind);
  return mkdtemp(join(parent, `${kind}-${host()}-${process.pid}-`));
}

/** Removes the `kind` work folders (and files) in `parent` made on this host by processes that have ended; returns how many. */
export async function sweepOrphanedWorkDirs(parent: string, kind: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return 0;
  }
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mine = new RegExp(`^${escape(kind)}-${escape(host())}-(\\d+)-`);
  const orphans = names.filter((n) => {
    const pid = Number(mine.exec(n)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !isRunning(pid);
  });
  await Promise.all(orphans.map((n) => rm(join(parent, n), { recursive: true, force: true })));
  return orphans.length;
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
