import type { ArtifactGcResult } from '../core/index.js';
import { checkOptions, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

/** The JSON of `keel gc --json` (core/contracts/artifacts.ts). */
export type ArtifactGcResultJson = ArtifactGcResult;

/** The body of POST /api/v1/artifacts/gc. */
const GC_OPTIONS: OptionTable<'olderThanMs' | 'dryRun'> = { olderThanMs: 'integer', dryRun: 'boolean' };

export class ArtifactsClient {
  constructor(private readonly http: HttpTransport) {}

  /** Removes the server's unreferenced blobs older than `olderThanMs` (default a day); `dryRun` lists them only. */
  async gc(options: { olderThanMs?: number; dryRun?: boolean } = {}): Promise<ArtifactGcResultJson> {
    checkOptions('options', options, GC_OPTIONS);
    return this.http.request('POST', 'api/v1/artifacts/gc', options);
  }
}
