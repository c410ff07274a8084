import type { Kysely } from 'kysely';
import type { Database } from './tables.js';

/**
 * Every column that names a blob of the artifact store by its sha256, as `table.column`. A blob
 * none of them names is recorded nowhere: a writer may remove it (a dataset add's leftover) only
 * then. artifact-references.test.ts fails when a table gains a sha256 column missing here.
 */
export const ARTIFACT_COLUMNS = ['dataset_versions.artifact_sha256', 'run_artifacts.sha256', 'model_versions.artifact_sha256', 'validation_references.artifact_sha256'] as const;

/**
 * Whether any record names the blob `sha`: a dataset version's Parquet, a run's artifact, a model
 * version's ONNX (a deleted version's too: it is kept as a tombstone) or a validation reference's
 * statistics. Throws when the metadata store cannot tell.
 */
export async function artifactRecorded(db: Kysely<Database>, sha: string): Promise<boolean> {
  const found = await Promise.all([
    db.selectFrom('dataset_versions').select('version').where('artifact_sha256', '=', sha).limit(1).executeTakeFirst(),
    db.selectFrom('run_artifacts').select('path').where('sha256', '=', sha).limit(1).executeTakeFirst(),
    db.selectFrom('model_versions').select('version').where('artifact_sha256', '=', sha).limit(1).executeTakeFirst(),
    db.selectFrom('validation_references').select('dataset_version').where('artifact_sha256', '=', sha).limit(1).executeTakeFirst(),
  ]);
  return found.some((row) => row !== undefined);
}
