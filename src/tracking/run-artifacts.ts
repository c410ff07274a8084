import { sql, type Kysely } from 'kysely';
import { KeelError } from '../core/index.js';
import { withBlobClaims, type ArtifactStore, type Database } from '../storage/index.js';
import type { FileInfo } from './types.js';

/** A run's artifacts: paths under the run's root, each naming a blob in the content-addressed store. */
export class RunArtifacts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: ArtifactStore,
    private readonly ensureActiveRun: (runId: string) => Promise<unknown>,
    private readonly ensureRun: (runId: string) => Promise<unknown>,
  ) {}

  async log(runId: string, path: string, bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const p = normalizeArtifactPath(path);
    if (p === '') throw new KeelError('INVALID_ARGUMENT', 'artifact path: a file path is required', { field: 'path' });
    await this.ensureActiveRun(runId);
    // Claimed from the put to the record, so that `keel gc` does not take the blob in between.
    return withBlobClaims(this.store.notesDir, async (claim) => {
      const ref = await this.store.put(bytes, { beforeCommit: claim });
      await this.db
        .insertInto('run_artifacts')
        .values({ run_id: runId, path: p, sha256: ref.sha256, size: ref.size, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['run_id', 'path']).doUpdateSet({ sha256: ref.sha256, size: ref.size, created_at: Date.now() }))
        .execute();
      return ref;
    });
  }

  async get(runId: string, path: string): Promise<{ sha256: string; size: number }> {
    const p = normalizeArtifactPath(path);
    await this.ensureRun(runId);
    const row = await this.db.selectFrom('run_artifacts').select(['sha256', 'size']).where('run_id', '=', runId).where('path', '=', p).executeTakeFirst();
    if (!row) throw new KeelError('NOT_FOUND', `Artifact '${p}' of run ${runId} not found`, { field: 'path' });
    return { sha256: row.sha256, size: Number(row.size) };
  }

  async read(runId: string, path: string): Promise<Buffer> {
    return this.store.get((await this.get(runId, path)).sha256);
  }

  /** The files and directories directly under `path` (the run's root when empty). */
  async list(runId: string, path = ''): Promise<FileInfo[]> {
    const dir = normalizeArtifactPath(path);
    await this.ensureRun(runId);
    let q = this.db.selectFrom('run_artifacts').select(['path', 'size']).where('run_id', '=', runId);
    // A prefix test, not LIKE: no wildcard escaping, and no collation surprises on PostgreSQL.
    if (dir !== '') q = q.where(sql<boolean>`substr(path, 1, ${dir.length + 1}) = ${`${dir}/`}`);
    const rows = await q.orderBy('path').execute();
    const prefix = dir === '' ? '' : `${dir}/`;
    const out = new Map<string, FileInfo>();
    for (const r of rows) {
      if (!r.path.startsWith(prefix)) continue;
      const rest = r.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) out.set(rest, { path: prefix + rest, is_dir: false, file_size: Number(r.size) });
      else out.set(rest.slice(0, slash), { path: prefix + rest.slice(0, slash), is_dir: true });
    }
    return [...out.values()];
  }
}

/** '/'-separated, relative, no '.' or '..' segments: a path can never leave the run's root. */
export function normalizeArtifactPath(path: string | undefined): string {
  if (path === undefined) return '';
  if (typeof path !== 'string' || path.includes('\\') || path.includes('\0')) throw new KeelError('INVALID_ARGUMENT', `Invalid artifact path '${String(path)}'`, { field: 'path' });
  const parts = path.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..') || path.startsWith('/')) throw new KeelError('INVALID_ARGUMENT', `Invalid artifact path '${path}': it must be relative and must not contain '..'`, { field: 'path' });
  return parts.join('/');
}
