/**
 * Whether source files stayed as they were while an add read them. An add reads a file more than
 * once (its content hash, DuckDB's sniff, count and write; a client's upload after its size), each
 * read opening it anew: a file appended to (a log still being written), truncated or replaced (a
 * rename over it) between them would give a version whose hash is not of the rows it stores.
 * Stamps are taken before the first read and compared after the last: a write changes the size or
 * the change time (which no user can set back, as `touch` sets back mtime), a rename the inode.
 * Not seen: a rewrite in place of the same size within one tick of the clock that stamps file
 * times (a few ms on Linux) of the stamp; an append, a truncation or a rename is always seen.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KeelError } from './errors.js';

/** What a file was when stamped: absent when it could not be stat'ed (then the read fails on its own). */
interface Stamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export type FileStamps = ReadonlyMap<string, Stamp | undefined>;

/** Files stat'ed at once (a folder may hold 10,000 parts). */
const AT_ONCE = 32;

/** The files' stamps now, before an add first reads them. */
export async function stampFiles(files: readonly string[]): Promise<FileStamps> {
  const stamps = new Map<string, Stamp | undefined>();
  for (let i = 0; i < files.length; i += AT_ONCE) {
    const batch = files.slice(i, i + AT_ONCE);
    const stats = await Promise.all(batch.map((f) => stat(f, { bigint: true }).catch(() => undefined)));
    batch.forEach((f, j) => stamps.set(f, stats[j]));
  }
  return stamps;
}

/** How a file changed, as the user reads it, or undefined when it did not. */
function changeOf(before: Stamp | undefined, after: Stamp | undefined): string | undefined {
  if (before === undefined) return undefined;
  if (after === undefined) return 'was removed';
  if (after.dev !== before.dev || after.ino !== before.ino) return 'was replaced by another file';
  if (after.size > before.size) return `grew from ${before.size} to ${after.size} bytes`;
  if (after.size < before.size) return `shrank from ${before.size} to ${after.size} bytes`;
  if (after.mtimeNs !== before.mtimeNs || after.ctimeNs !== before.ctimeNs) return 'was written to';
  return undefined;
}

/**
 * Throws FAILED_PRECONDITION, naming the first file (in the files' order) that changed since
 * `stamps` were taken: what was read of it is not one state of the file.
 */
export async function assertUnchanged(stamps: FileStamps): Promise<void> {
  const now = await stampFiles([...stamps.keys()]);
  for (const [file, before] of stamps) {
    const change = changeOf(before, now.get(file));
    if (change !== undefined) {
      throw new KeelError('FAILED_PRECONDITION', `'${file}' changed while it was being added (it ${change}); add it again once it is complete`, { field: 'file' });
    }
  }
}

/**
 * A stamp as one string: bin/prestart.js writes its own stamps so (dev, inode, size, mtime and
 * ctime in ns, space-separated), and a hash it made is taken for a file stamped the same
 * (prestartedHash).
 */
export function stampKey(stamp: Stamp | undefined): string | undefined {
  return stamp && [stamp.dev, stamp.ino, stamp.size, stamp.mtimeNs, stamp.ctimeNs].join(' ');
}

/**
 * The sha256 (hex) of `file` that bin/prestart.js started as the CLI started, when it made one of
 * the file as `stamps` found it (unchanged from the start of that hash to its end): its stamps then
 * vouch for the same bytes. Undefined otherwise (none made, or the file changed).
 */
export async function prestartedHash(file: string, stamps: FileStamps): Promise<string | undefined> {
  const hashes = (globalThis as { [PRESTARTED_HASHES]?: Map<string, PrestartedHash> })[PRESTARTED_HASHES];
  const path = resolve(file);
  const started = hashes?.get(path);
  if (!started) return undefined;
  hashes!.delete(path);
  started.worker.ref();
  const made = await started.result;
  return made !== undefined && made.stamp === stampKey(stamps.get(file)) ? made.sha : undefined;
}

/** bin/prestart.js's hashes, by absolute path: a process-wide map (the CLI bundle is another module instance). */
const PRESTARTED_HASHES = Symbol.for('keel.prestartedHashes');

interface PrestartedHash {
  readonly worker: { ref(): void };
  readonly result: Promise<{ sha: string; stamp: string } | undefined>;
}
