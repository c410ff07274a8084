import { rm } from 'node:fs/promises';
import { isKeelError, KeelError, sha256File } from '../core/index.js';
import type { ArtifactStore } from '../storage/index.js';
import type { DatasetVersion } from './types.js';

type StoredVersion = Pick<DatasetVersion, 'name' | 'version' | 'artifactSha256'>;

const corrupted = (v: StoredVersion, what: string, cause?: unknown): KeelError =>
  new KeelError('DATA_CORRUPTED', `${v.name}@${v.version}: its stored Parquet (artifact ${v.artifactSha256}) ${what}`, { cause });

/**
 * The path of a version's stored Parquet. The version exists, so a file gone from the artifact
 * store is corrupted data, not an unknown name: DATA_CORRUPTED, as a file that fails its hash is
 * (checked with `verify`, by the reads that read every byte anyway; hashing a 300 MB file took
 * 0.36 s on this project's 2-core machine).
 */
export async function storedParquet(artifacts: ArtifactStore, v: StoredVersion, options: { verify?: boolean } = {}): Promise<string> {
  try {
    return await artifacts.pathOf(v.artifactSha256, options);
  } catch (e) {
    if (isKeelError(e) && e.code === 'NOT_FOUND') throw corrupted(v, 'is missing from the artifact store', e);
    if (isKeelError(e) && e.code === 'DATA_CORRUPTED') throw corrupted(v, 'failed its integrity check', e);
    throw e;
  }
}

/**
 * The error to report for a read of the stored Parquet at `path` that failed with `e`: DATA_CORRUPTED
 * when the file fails its hash (DuckDB's own message would quote its SQL), else `e` itself.
 * A read of a page is not verified first: hashing the whole file would cost more than the page.
 */
export async function readFailure(v: StoredVersion, path: string, e: unknown): Promise<unknown> {
  if (isKeelError(e)) return e;
  const sha = await sha256File(path).catch(() => undefined);
  if (sha === v.artifactSha256) return e;
  return corrupted(v, sha === undefined ? 'is missing from the artifact store' : 'failed its integrity check', e);
}

/** Whether a version's stored Parquet is there and whole (hashed: an add that finds its version checks it before it stops). */
export async function intact(artifacts: ArtifactStore, v: StoredVersion): Promise<boolean> {
  try {
    await storedParquet(artifacts, v, { verify: true });
    return true;
  } catch (e) {
    if (isKeelError(e) && e.code === 'DATA_CORRUPTED') return false;
    throw e;
  }
}

/** Removes the blob `sha` if it is there (a version's damaged stored Parquet, so that the add that found it stores it whole again). */
export async function dropBlob(artifacts: ArtifactStore, sha: string): Promise<void> {
  const path = await artifacts.pathOf(sha).catch(() => undefined);
  if (path !== undefined) await rm(path, { force: true });
}
