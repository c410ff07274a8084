import { sql, type Kysely } from 'kysely';
import type { Database } from './tables.js';

/**
 * Every column that names a blob of the artifact store by its sha256: a dataset version's Parquet,
 * a run's artifact, a model version's ONNX (a deleted version's too: it is kept as a tombstone) and
 * a validation reference's statistics. A blob none of them names is recorded nowhere: a writer may
 * remove it (a dataset add's leftover, `keel gc`) only then. artifact-references.test.ts fails
 * when a table gains a sha256 column missing here.
 */
const REFERENCES = [
  ['dataset_versions', 'artifact_sha256'],
  ['run_artifacts', 'sha256'],
  ['model_versions', 'artifact_sha256'],
  ['validation_references', 'artifact_sha256'],
] as const satisfies readonly (readonly [keyof Database, string])[];

/** The columns of REFERENCES as `table.column`. */
export const ARTIFACT_COLUMNS: readonly string[] = REFERENCES.map(([table, column]) => `${table}.${column}`);

/** Whether any record names the blob `sha`. Throws when the metadata store cannot tell. */
export async function artifactRecorded(db: Kysely<Database>, sha: string): Promise<boolean> {
  const found = await Promise.all(
    REFERENCES.map(([table, column]) => sql<{ one: number }>`SELECT 1 AS one FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${sha} LIMIT 1`.execute(db)),
  );
  return found.some((r) => r.rows.length > 0);
}

/**
 * Every blob some record names, for a walk over the whole store (`keel gc`), which asks once
 * rather than per blob; 64-character strings, so a million blobs take about 100 MB.
 */
export async function recordedArtifacts(db: Kysely<Database>): Promise<Set<string>> {
  const found = await Promise.all(
    REFERENCES.map(([table, column]) => sql<{ sha: string }>`SELECT DISTINCT ${sql.ref(column)} AS sha FROM ${sql.table(table)} WHERE ${sql.ref(column)} IS NOT NULL`.execute(db)),
  );
  return new Set(found.flatMap((r) => r.rows.map((row) => row.sha)));
}
