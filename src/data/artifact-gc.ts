import { invalidArgument, isKeelError, KeelError } from '../core/index.js';
import type { ArtifactGcResult, GcFailure } from '../core/index.js';
import type { ProgressListener } from '../jobs/index.js';
import { artifactRecorded, liveClaimedBlobs, recordedArtifacts, releaseBlob, releaseDeadClaims, type ArtifactStore, type BlobClaimHooks, type BlobRelease, type Database } from '../storage/index.js';
import type { Kysely } from 'kysely';

export type { ArtifactGcResult, GcFailure };

/** `keel gc`'s default --older-than: a day, far longer than any add, log or registration takes between storing a blob and recording it. */
export const DEFAULT_GC_AGE_MS = 24 * 60 * 60 * 1000;

/** The least age at which another host's temp file is taken as left behind, whatever --older-than says: its writer cannot be asked, and may be streaming it now. */
const FOREIGN_TEMP_FLOOR_MS = 60 * 60 * 1000;

export interface ArtifactGcOptions {
  /** Only blobs last stored (or put again) this long ago or longer go; also the age (an hour at least) of other hosts' temp files taken as left behind. */
  readonly olderThanMs: number;
  /** List what would go, remove nothing. */
  readonly dryRun?: boolean;
  readonly onProgress?: ProgressListener;
  readonly hooks?: ArtifactGcHooks;
  /** Test seam: the time the age is counted from. */
  readonly now?: number;
}

/** Test hooks: those of a removal (releaseBlob's), and one called while a blob is set aside (between gc's two renames). */
export interface ArtifactGcHooks extends BlobClaimHooks {
  readonly blobSetAside?: (sha: string) => Promise<void>;
}



export interface ArtifactGcDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
}

/**
 * Removes the blobs of the artifact store that no record names (storage/artifact-references.ts)
 * and that were last stored `olderThanMs` ago or longer, and the temp files of writers that are
 * gone. Each removal goes through the protocol of an add's crash cleanup (releaseBlob): a blob a
 * running writer has claimed (an add, a run's artifact, a model version: withBlobClaims) stays,
 * and a writer that starts meanwhile waits for the removal. The age is a second guard, for writers
 * that claim nothing (older Keel versions sharing the store): a put of a blob already there marks
 * it stored anew. A blob that fails (a rename or removal the system refuses) stays and is
 * reported in `failed`; the walk goes on.
 */
export async function collectArtifactGarbage(deps: ArtifactGcDeps, options: ArtifactGcOptions): Promise<ArtifactGcResult> {
  const { artifacts } = deps;
  const { olderThanMs, dryRun = false } = options;
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw invalidArgument('olderThan', `expected a duration of 0 or more, got ${olderThanMs} ms`);
  if (!artifacts.blobs || !artifacts.removeUnlessStoredSince || !artifacts.sweepTemp) {
    throw new KeelError('FAILED_PRECONDITION', 'this artifact store cannot list or remove its blobs: gc runs on a local (filesystem) store');
  }
  const removeUnlessStoredSince = artifacts.removeUnlessStoredSince.bind(artifacts);
  const before = (options.now ?? Date.now()) - olderThanMs;
  const blobs = await artifacts.blobs();
  // Asked once for the whole walk; each removal asks again (artifactRecorded) after reading the claims.
  const recorded = await recordedArtifacts(deps.db);
  const claimed = dryRun ? await liveClaimedBlobs(artifacts.notesDir) : new Set<string>();
  const removed: { sha256: string; size: number; storedAt: number }[] = [];
  const failed: GcFailure[] = [];
  const kept = { referenced: 0, recent: 0, claimed: 0, bytes: 0 };
  const keep = (why: 'referenced' | 'recent' | 'claimed', size: number) => {
    kept[why]++;
    kept.bytes += size;
  };
  const progress = (done: number) => options.onProgress?.({ task: 'gc', done, total: blobs.length, ...(dryRun ? { message: 'dry run' } : {}) });
  for (const [i, blob] of blobs.entries()) {
    if (i % 64 === 0) progress(i);
    if (recorded.has(blob.sha256)) keep('referenced', blob.size);
    else if (blob.storedAt >= before) keep('recent', blob.size);
    else if (dryRun) {
      if (claimed.has(blob.sha256)) keep('claimed', blob.size);
      else removed.push({ sha256: blob.sha256, size: blob.size, storedAt: Math.floor(blob.storedAt) });
    } else {
      try {
        const outcome = await release(artifacts.notesDir, blob.sha256, deps.db, (sha) => removeUnlessStoredSince(sha, before, options.hooks?.blobSetAside), options.hooks);
        if (outcome.freed === undefined) keep(outcome.why, blob.size);
        else removed.push({ sha256: blob.sha256, size: outcome.freed, storedAt: Math.floor(blob.storedAt) });
      } catch (e) {
        failed.push(gcFailure(blob.sha256, e));
      }
    }
  }
  progress(blobs.length);
  let tempFilesRemoved = 0;
  if (!dryRun) {
    // Claims of adds that have ended go as an add's crash cleanup takes them, but by the same age
    // rule: a young blob stays, and a later gc takes it once it is old.
    const how: BlobRelease = { referenced: (sha) => artifactRecorded(deps.db, sha), remove: async (sha) => void (await removeUnlessStoredSince(sha, before)) };
    tempFilesRemoved = (await releaseDeadClaims(artifacts.notesDir, how)) + (await artifacts.sweepTemp({ foreignAgeMs: Math.max(olderThanMs, FOREIGN_TEMP_FLOOR_MS) }));
  }
  const removedBytes = removed.reduce((sum, b) => sum + b.size, 0);
  return { dryRun, olderThanMs, before, removed, removedBytes, kept, tempFilesRemoved, failed };
}

function gcFailure(sha256: string, e: unknown): GcFailure {
  if (isKeelError(e)) return { sha256, code: e.code, error: e.message };
  const err = e as NodeJS.ErrnoException | undefined;
  return { sha256, code: typeof err?.code === 'string' ? err.code : 'INTERNAL', error: err instanceof Error ? err.message : String(e) };
}

/** One blob through releaseBlob, telling why it stayed: a live claim (it never asked the metadata store), a record, or its age. */
async function release(notes: string, sha: string, db: Kysely<Database>, remove: (sha: string) => Promise<number | undefined>, hooks: BlobClaimHooks | undefined): Promise<{ freed?: number; why: 'referenced' | 'recent' | 'claimed' }> {
  let why: 'referenced' | 'recent' | 'claimed' = 'claimed';
  let freed: number | undefined;
  await releaseBlob(notes, sha, {
    referenced: async (s) => {
      const named = await artifactRecorded(db, s);
      why = named ? 'referenced' : 'recent';
      return named;
    },
    remove: async (s) => void (freed = await remove(s)),
    hooks,
  });
  return freed === undefined ? { why } : { freed, why };
}
