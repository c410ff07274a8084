/**
 * The JSON shape of `keel gc` (POST /api/v1/artifacts/gc), shared by data/, which makes it, and
 * client/ (client/ depends on core alone).
 */

/** A blob gc could not look at or remove: `code` is the KeelError code or the system's (EACCES, EBUSY, EXDEV...). */
export interface GcFailure {
  readonly sha256: string;
  readonly code: string;
  readonly error: string;
}

export interface ArtifactGcResult {
  readonly dryRun: boolean;
  readonly olderThanMs: number;
  /** Blobs last stored before this time (epoch ms) could go. */
  readonly before: number;
  /** The blobs removed (with dryRun, those that would be), in the walk's order. */
  readonly removed: readonly { readonly sha256: string; readonly size: number; readonly storedAt: number }[];
  readonly removedBytes: number;
  /** Why the others stay: a record names them, they were stored since `before`, or a running writer claims them. */
  readonly kept: { readonly referenced: number; readonly recent: number; readonly claimed: number; readonly bytes: number };
  /** Temp files (blobs being stored) and claims of processes that have ended, removed, and blobs a killed gc had set aside, put back (0 with dryRun). */
  readonly tempFilesRemoved: number;
  /** The blobs that could not be looked at or removed (they stay), each with why; the walk goes on past them. */
  readonly failed: readonly GcFailure[];
}
