import type { HttpTransport } from './http.js';

/** The JSON of data/'s ArtifactGcResult, as `keel gc --json` prints it. */
export interface ArtifactGcResultJson {
  readonly dryRun: boolean;
  readonly olderThanMs: number;
  readonly before: number;
  readonly removed: readonly { readonly sha256: string; readonly size: number; readonly storedAt: number }[];
  readonly removedBytes: number;
  readonly kept: { readonly referenced: number; readonly recent: number; readonly claimed: number; readonly bytes: number };
  readonly tempFilesRemoved: number;
  /** The blobs that could not be looked at or removed (they stay): `code` is a Keel error code or the system's (EACCES, EBUSY...). */
  readonly failed: readonly { readonly sha256: string; readonly code: string; readonly error: string }[];
}

export class ArtifactsClient {
  constructor(private readonly http: HttpTransport) {}

  /** Removes the server's unreferenced blobs older than `olderThanMs` (default a day); `dryRun` lists them only. */
  gc(options: { olderThanMs?: number; dryRun?: boolean } = {}): Promise<ArtifactGcResultJson> {
    return this.http.request('POST', 'api/v1/artifacts/gc', options);
  }
}
