import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { FOREIGN_TEMP_AGE_MS, HASH_CHUNK, KeelError, sha256, sha256File, sweepOrphanedWorkDirs, workFileName } from '../core/index.js';
import { asideName, putBack, restoreSetAside } from './set-aside.js';
import { makeFolderSync } from './make-folder.js';

export interface ArtifactRef {
  readonly sha256: string;
  readonly size: number;
}

export interface PutOptions {
  /**
   * Called with the blob's sha256 once it is known and before the blob takes its name (or is
   * found already there). A writer whose record of the blob commits later (a dataset version, a run's artifact)
   * notes the sha here, so that, killed in between, the next process can remove the blob that
   * nothing records (storage/blob-claims.ts). It may wait: a removal of the blob under way ends first.
   */
  readonly beforeCommit?: (sha256: string) => Promise<void>;
}

/**
 * Content-addressed artifact store: a blob is named by its sha256. Writes go to a temp file in
 * the same directory, are fsynced, then renamed into place, so a crash never leaves a partial
 * blob under a real name. Reads verify the hash.
 */
export interface ArtifactStore {
  put(data: Uint8Array | string, options?: PutOptions): Promise<ArtifactRef>;
  putFile(path: string, options?: PutOptions): Promise<ArtifactRef>;
  putStream(stream: Readable, options?: PutOptions): Promise<ArtifactRef>;
  get(sha: string): Promise<Buffer>;
  has(sha: string): Promise<boolean>;
  /** A path to read the blob from (e.g. for DuckDB). `verify` re-hashes it first. */
  pathOf(sha: string, options?: { verify?: boolean }): Promise<string>;
  /** Stream the blob (not verified: for large downloads; use `get` or `pathOf` to verify). */
  open(sha: string): Readable;
  /**
   * A folder beside the blobs, seen by every process that writes this store (a server and CLI
   * commands with other homes may share it), for their notes about blobs they are about to record
   * or remove (storage/blob-claims.ts). Names of the form `KIND-HOST-PID-…` (workFileName).
   */
  readonly notesDir: string;
  /** Every blob with its size and when it was last stored (put again counts), for `keel gc`. */
  blobs?(): Promise<StoredBlob[]>;
  /**
   * Removes the blob `sha` unless it was stored (or put again) at or after `before`; returns the
   * bytes freed, or undefined when it stayed or was gone. Throws when it could not tell or remove
   * it (the blob then stays, or is put back by the next sweep). `setAside` is a test seam, called
   * while the blob is set aside.
   */
  removeUnlessStoredSince?(sha: string, before: number, setAside?: (sha: string) => Promise<void>): Promise<number | undefined>;
  /** Removes the temp files of writers that are gone and puts back blobs a killed gc set aside (see LocalArtifactStore.sweepTemp); returns how many. */
  sweepTemp?(options?: { foreignAgeMs?: number }): Promise<number>;
}

export interface StoredBlob extends ArtifactRef {
  /** When the blob was last stored or put again (its file's mtime), epoch ms. */
  readonly storedAt: number;
}

const SHA_RE = /^[0-9a-f]{64}$/;

/** The kind part of a temp file's name in `tmp/` (`blob-HOST-PID-RANDOM`), by which a later store tells whether its writer is gone. */
const TEMP_KIND = 'blob';

export class LocalArtifactStore implements ArtifactStore {
  /** The sweep of dead writers' temp files that opening the store starts; the first write waits for it. */
  private readonly swept: Promise<number>;

  constructor(readonly root: string) {
    makeFolderSync(join(root, 'tmp'), 'artifactsDir', "the artifact store's folder");
    // Not awaited here (a constructor cannot): a write waits for it, and a failed sweep only leaves files.
    this.swept = this.sweepTemp().catch(() => 0);
  }

  /** A fresh temp path in tmp/, named by this host and process, once the dead writers' files are gone. */
  private async tempPath(): Promise<string> {
    await this.swept;
    return join(this.root, 'tmp', workFileName(TEMP_KIND));
  }

  get notesDir(): string {
    return join(this.root, 'tmp');
  }

  private blobPath(sha: string): string {
    if (!SHA_RE.test(sha)) throw new KeelError('INVALID_ARGUMENT', `artifact id: expected 64 hex characters, got '${sha}'`, { field: 'sha256' });
    return join(this.root, sha.slice(0, 2), sha.slice(2));
  }

  async put(data: Uint8Array | string, options: PutOptions = {}): Promise<ArtifactRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const sha = sha256(bytes);
    await options.beforeCommit?.(sha);
    if (await this.keepStored(sha, bytes.length)) return { sha256: sha, size: bytes.length };
    const tmp = await this.tempPath();
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.commit(tmp, sha);
    return { sha256: sha, size: bytes.length };
  }

  async putFile(path: string, options: PutOptions = {}): Promise<ArtifactRef> {
    // Hashing the default 64 KiB chunks costs about twice the CPU.
    return this.putStream(createReadStream(path, { highWaterMark: HASH_CHUNK }), options);
  }

  async putStream(stream: Readable, options: PutOptions = {}): Promise<ArtifactRef> {
    const tmp = await this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(stream, tap, createWriteStream(tmp));
      const fh = await open(tmp, 'r+');
      await fh.sync();
      await fh.close();
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    const sha = hash.digest('hex');
    try {
      await options.beforeCommit?.(sha);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    // A blob already there is kept, unless its size says it is damaged (cut short by a crash of
    // the disk, overwritten): then these bytes, which hash to its name, replace it.
    if (await this.keepStored(sha, size)) {
      await rm(tmp, { force: true });
    } else {
      await this.commit(tmp, sha);
    }
    return { sha256: sha, size };
  }

  private async commit(tmp: string, sha: string): Promise<void> {
    const dest = this.blobPath(sha);
    mkdirSync(join(this.root, sha.slice(0, 2)), { recursive: true });
    await rename(tmp, dest);
  }

  async get(sha: string): Promise<Buffer> {
    const path = this.blobPath(sha);
    let bytes: Buffer;
    try {
      bytes = await readFile(path).catch(async (e: unknown) => ((await this.putBackSetAside(sha)) ? readFile(path) : Promise.reject(e)));
    } catch (e) {
      throw new KeelError('NOT_FOUND', `artifact '${sha}' not found`, { cause: e });
    }
    if (sha256(bytes) !== sha) throw new KeelError('DATA_CORRUPTED', `artifact '${sha}' failed its integrity check`);
    return bytes;
  }

  /**
   * Whether the blob `sha` is stored whole (of `size` bytes); if so it is marked as stored now
   * (its mtime), so that `keel gc`, which takes only blobs not stored for a while, leaves it to
   * the writer about to record it. Should gc have just set it aside, the mark fails and the
   * writer stores its own copy.
   */
  private async keepStored(sha: string, size: number): Promise<boolean> {
    if ((await this.blobSize(sha)) !== size) return false;
    const now = new Date();
    return utimes(this.blobPath(sha), now, now).then(() => true, () => false);
  }

  /** The blob's size, or undefined when there is none. */
  private async blobSize(sha: string): Promise<number | undefined> {
    return stat(this.blobPath(sha)).then((st) => st.size, () => undefined);
  }

  async has(sha: string): Promise<boolean> {
    return existsSync(this.blobPath(sha)) || ((await this.putBackSetAside(sha)) && existsSync(this.blobPath(sha)));
  }

  /** On a miss: puts the blob back if a gc that ended set it aside (restoreSetAside); whether it did. */
  private async putBackSetAside(sha: string): Promise<boolean> {
    await this.swept;
    return (await restoreSetAside(join(this.root, 'tmp'), (s) => this.blobPath(s), sha).catch(() => 0)) > 0 || existsSync(this.blobPath(sha));
  }

  async pathOf(sha: string, options: { verify?: boolean } = {}): Promise<string> {
    const path = this.blobPath(sha);
    try {
      await stat(path).catch(async (e: unknown) => ((await this.putBackSetAside(sha)) ? stat(path) : Promise.reject(e)));
    } catch (e) {
      throw new KeelError('NOT_FOUND', `artifact '${sha}' not found`, { cause: e });
    }
    if (options.verify && (await sha256File(path)) !== sha) {
      throw new KeelError('DATA_CORRUPTED', `artifact '${sha}' failed its integrity check`);
    }
    return path;
  }

  open(sha: string): Readable {
    const path = this.blobPath(sha);
    if (existsSync(path)) return createReadStream(path);
    // A miss may be a blob that a gc which ended set aside: put it back, then stream it (or fail
    // with the read's own ENOENT, as a plain miss does).
    const out = new PassThrough();
    void this.putBackSetAside(sha).then(() => pipeline(createReadStream(path), out)).catch((e: unknown) => out.destroy(e as Error));
    return out;
  }

  /**
   * Removes the temp files of writers that are gone (kill -9 in the middle of an add): those of
   * this host whose process has ended, and other hosts' older than a day (`foreignAgeMs`: `keel
   * gc`'s --older-than). A live writer's stay: a server and CLI commands may share the store.
   * Puts back at its path each blob a gc that ended had set aside (set-aside.ts), first.
   * Opening the store does this.
   */
  async sweepTemp(options: { foreignAgeMs?: number } = {}): Promise<number> {
    const dir = join(this.root, 'tmp');
    const age = options.foreignAgeMs ?? FOREIGN_TEMP_AGE_MS;
    const restored = await restoreSetAside(dir, (sha) => this.blobPath(sha));
    return restored + (await sweepOrphanedWorkDirs(dir, TEMP_KIND, Date.now(), undefined, age)) + (await sweepUnnamedTemp(dir, age));
  }

  async blobs(): Promise<StoredBlob[]> {
    const found: StoredBlob[] = [];
    for (const prefix of await readdir(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const rest of await readdir(join(this.root, prefix)).catch(() => [])) {
        const sha = prefix + rest;
        if (!SHA_RE.test(sha)) continue;
        const st = await stat(join(this.root, prefix, rest)).catch(() => undefined);
        if (st?.isFile()) found.push({ sha256: sha, size: st.size, storedAt: st.mtimeMs });
      }
    }
    return found;
  }

  async removeUnlessStoredSince(sha: string, before: number, setAside?: (sha: string) => Promise<void>): Promise<number | undefined> {
    const path = this.blobPath(sha);
    // Set aside first, then look at its time: a writer that marks the blob stored (keepStored)
    // before this rename is seen here and the blob goes back; one after it finds no blob and
    // stores its own copy. Named by its sha, so that a gc killed here leaves it to be put back.
    const aside = join(this.root, 'tmp', asideName(sha));
    try {
      await rename(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      await setAside?.(sha);
      const st = await stat(aside);
      if (st.mtimeMs >= before) {
        await putBack(aside, path);
        return undefined;
      }
      await rm(aside);
      return st.size;
    } catch (e) {
      // Back where it was, or (when that fails too) left for the next sweep to put back.
      await putBack(aside, path).catch(() => undefined);
      throw e;
    }
  }
}

/**
 * Removes the temp files of Keel versions that named them by a random id alone (32 hex digits)
 * once they are `ageMs` old (a day unless `keel gc` says): their writer cannot be told, and an add does not take a day.
 */
async function sweepUnnamedTemp(dir: string, ageMs: number): Promise<number> {
  const cutoff = Date.now() - ageMs;
  let removed = 0;
  for (const n of await readdir(dir)) {
    if (!/^[0-9a-f]{32}$/.test(n)) continue;
    const st = await stat(join(dir, n)).catch(() => undefined);
    if (st && st.mtimeMs < cutoff) {
      await rm(join(dir, n), { force: true });
      removed++;
    }
  }
  return removed;
}
