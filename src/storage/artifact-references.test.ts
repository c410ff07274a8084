import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_COLUMNS, artifactRecorded, recordedArtifacts } from './artifact-references.js';
import type { MetadataStore } from './metadata-store.js';
import { testStores } from './test-stores.js';

for (const backend of testStores()) {
  describe(`the records that name a blob, on ${backend.name}`, () => {
    let store: MetadataStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => store.close());

    it('are every sha256 column of the schema but a dataset version content hash', async () => {
      // PostgreSQL's introspection reads every schema: this store's is the current one.
      const own = store.dialect === 'postgres' ? (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(store.db)).rows[0]!.s : undefined;
      const tables = (await store.db.introspection.getTables()).filter((t) => own === undefined || t.schema === own);
      const columns = tables.flatMap((t) => t.columns.filter((c) => /sha256/i.test(c.name)).map((c) => `${t.name}.${c.name}`));
      expect(columns.filter((c) => c !== 'dataset_versions.content_sha256').sort()).toEqual([...ARTIFACT_COLUMNS].sort());
    });

    it('tell a blob named by a dataset version, a run artifact, a model version or a validation reference from one named nowhere', async () => {
      const [data, run, model, reference, none] = ['1', '2', '3', '4', '5'].map((d) => d.repeat(64)) as [string, string, string, string, string];
      for (const sha of [data, run, model, reference, none]) expect(await artifactRecorded(store.db, sha)).toBe(false);
      expect(await recordedArtifacts(store.db)).toEqual(new Set());
      const t = Date.now();
      await store.db.insertInto('datasets').values({ name: 'd', description: null, created_at: t, updated_at: t }).execute();
      await store.db.insertInto('dataset_versions').values({ dataset_name: 'd', version: 'v', content_sha256: none, artifact_sha256: data, source: 's', num_rows: 1, profile_json: '[]', created_at: t }).execute();
      await store.db.insertInto('runs').values({ run_id: 'r', experiment_id: 0, run_name: 'r', user_id: 'u', status: 'FINISHED', start_time: t, end_time: t, lifecycle_stage: 'active', artifact_uri: 'a', deleted_time: null }).execute();
      await store.db.insertInto('run_artifacts').values({ run_id: 'r', path: 'data.parquet', sha256: run, size: 1, created_at: t }).execute();
      await store.db
        .insertInto('model_versions')
        .values({ model_name: 'm', version: 1, source: `artifact:${model}`, run_id: null, artifact_sha256: model, artifact_size: 1, signature_json: '{}', metrics_json: '{}', lineage_json: '{}', description: null, stage: 'None', status: 'READY', created_by: 'u', created_at: t, updated_at: t, deleted: 1 })
        .execute();
      await store.db.insertInto('validation_references').values({ dataset_name: 'd', dataset_version: 'v', artifact_sha256: reference, columns: 1, created_at: t }).execute();
      // A deleted model version is kept, and so is its blob; a content hash names no blob.
      expect(await Promise.all([data, run, model, reference, none].map((sha) => artifactRecorded(store.db, sha)))).toEqual([true, true, true, true, false]);
      // The walk of the whole store (keel gc) asks once and is told the same.
      expect([...(await recordedArtifacts(store.db))].sort()).toEqual([data, run, model, reference].sort());
    });
  });
}
