import { mkdirSync } from 'node:fs';
import { KeelError } from '../core/index.js';

/**
 * Makes a store's folder (and its parents) if missing. A path that cannot be one (under a file, in
 * a folder this user may not write, on a read-only filesystem) is the user's setting to fix, so it
 * is an INVALID_ARGUMENT naming the setting (`field`), not an INTERNAL error with Node's stack;
 * `advice` says where the setting is made.
 */
export function makeFolderSync(path: string, field: string, what: string, advice = ''): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new KeelError('INVALID_ARGUMENT', `${field}: cannot create ${what} '${path}': ${REASONS[err.code ?? ''] ?? err.message}${err.code ? ` (${err.code})` : ''}${advice}`, { field, cause: e });
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the filesystem is read-only',
  ENOSPC: 'no space left on the device',
};
