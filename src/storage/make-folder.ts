import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KeelError } from '../core/index.js';

/**
 * Makes a store's folder (and its parents) if missing. A path that cannot be one (under a file, in
 * a folder this user may not write, on a read-only filesystem) is the user's setting to fix, so it
 * is an INVALID_ARGUMENT naming the setting (`field`), not an INTERNAL error with Node's stack;
 * `advice` says where the setting is made.
 */
export function makeFolderSync(path: string, field: string, what: string, advice = ''): void {
  try {
    makeMissingFolders(resolve(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // mkdir's ENOENT when the folder above exists: under /proc (and the like) it takes no new folders.
    const reason = err.code === 'ENOENT' && err.syscall === 'mkdir' && err.path ? `'${dirname(err.path)}' takes no new folders` : REASONS[err.code ?? ''] ?? err.message;
    throw new KeelError('INVALID_ARGUMENT', `${field}: cannot create ${what} '${path}': ${reason}${err.code ? ` (${err.code})` : ''}${advice}`, { field, cause: e });
  }
}

/**
 * `mkdirSync(path, { recursive: true })` without its endless loop: under /proc, mkdir answers
 * ENOENT although the parent exists, and Node's recursive mkdir then makes the parent (EEXIST) and
 * tries again, forever, at full CPU (`--home /proc/x` hung). So each missing folder is made on its
 * own, from the nearest one that exists down, and the first refusal is the answer.
 */
function makeMissingFolders(path: string): void {
  const missing: string[] = [];
  // statSync throws ENOTDIR (a part of the path is a file) or EACCES itself: that is the answer too.
  for (let at = path; ; at = dirname(at)) {
    const found = statSync(at, { throwIfNoEntry: false });
    if (found) {
      if (!found.isDirectory()) throw errnoError(at === path ? 'EEXIST' : 'ENOTDIR', at);
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Made meanwhile by another process (two commands starting on a new home): fine.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw e;
    }
  }
}

const errnoError = (code: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${path}`), { code, path });

const REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the filesystem is read-only',
  ENOSPC: 'no space left on the device',
};
