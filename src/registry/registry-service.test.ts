import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, silentLogger } from '../core/index.js';
import { DatasetService } from '../data/index.js';
import { LocalArtifactStore, testStores, type ArtifactRef, type MetadataStore } from '../storage/index.js';
import { RegistryService } from './registry-service.js';
import type { RunArtifactResolver } from './types.js';

const TINY = new Uint8Array(readFileSync(new URL('./testdata/tiny.onnx', import.meta.url)));
const RUN = 'a'.repeat(32);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof KeelError ? `${e.code}${e.field ? `:${e.field}` : ''}` : String(e);
  }
}

for (const backend of testStores()) {
  describe(`RegistryService on ${backend.name}`, () => {
    let store: MetadataStore;
    let artifacts: LocalArtifactStore;
    let registry: RegistryService;
    let tinyRef: ArtifactRef;

    beforeAll(async () => {
      store = await backend.open();
      artifacts = new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-registry-')));
      tinyRef = await artifacts.put(TINY);
      const notOnnx = await artifacts.put('not an onnx model');
      // A stand-in for the tracking service: run RUN logged the model at model/model.onnx.
      const tracking: RunArtifactResolver = {
        async getArtifact(runId, path) {
          if (runId === RUN && path === 'model/model.onnx') return tinyRef;
          if (runId === RUN && path === 'notes.txt') return notOnnx;
          throw new KeelError('NOT_FOUND', `artifact ${path} not found`);
        },
        async getRun(runId) {
          if (runId !== RUN) throw new KeelError('NOT_FOUND', `run ${runId} not found`);
          return { data: { metrics: [{ key: 'rmse', value: 0.5 }, { key: 'auc', value: 0.8 }], tags: [{ key: 'mlflow.source.git.commit', value: 'c0ffee' }] } };
        },
      };
      registry = new RegistryService({ db: store.db, artifacts, logger: silentLogger, tracking });
    });
    afterAll(async () => store.close());

    it('registers an ONNX file as auto-numbered versions and reads its signature', async () => {
      const v1 = await registry.createModelVersion({ name: 'tiny', source: { onnx: TINY }, metrics: { auc: 0.91, loss: Number.NaN }, lineage: { datasetVersions: ['iris@abc123'], codeVersion: 'deadbeef' }, tags: { team: 'risk' }, actor: 'ann' });
      expect(v1.version).toBe(1);
      expect(v1.signature).toEqual({
        inputs: [{ name: 'x', type: 'float32', shape: [-1, 3] }],
        outputs: [{ name: 'y', type: 'float32', shape: [-1, 2] }, { name: 'label', type: 'int64', shape: [-1] }],
      });
      expect(v1.artifactSha256).toBe(tinyRef.sha256);
      expect(v1.metrics.auc).toBe(0.91);
      expect(Number.isNaN(v1.metrics.loss)).toBe(true);
      expect(v1.lineage).toEqual({ datasetVersions: ['iris@abc123'], codeVersion: 'deadbeef' });
      expect(v1.tags).toEqual({ team: 'risk' });
      expect(v1.stage).toBe('None');
      expect(v1.createdBy).toBe('ann');
      const v2 = await registry.createModelVersion({ name: 'tiny', source: { artifactSha256: tinyRef.sha256 } });
      expect(v2.version).toBe(2);
      expect(Buffer.from(await registry.onnxBytes(v2)).equals(Buffer.from(TINY))).toBe(true);
      expect(readFileSync(await registry.onnxPath(v2)).equals(Buffer.from(TINY))).toBe(true);
      const model = await registry.getRegisteredModel('tiny');
      expect(model.latestVersions.map((v) => v.version)).toEqual([2]);
    });

    it('rejects bad input naming the field, without writing anything', async () => {
      expect(await codeOf(registry.createModelVersion({ name: 'broken', source: { onnx: new Uint8Array([1, 2, 3]) } }))).toBe('INVALID_ARGUMENT:source.onnx');
      expect(await codeOf(registry.getRegisteredModel('broken'))).toBe('NOT_FOUND:name');
      expect(await codeOf(registry.createModelVersion({ name: 'a/b', source: { onnx: TINY } }))).toBe('INVALID_ARGUMENT:name');
      expect(await codeOf(registry.createModelVersion({ name: 'x', source: { artifactSha256: 'f'.repeat(64) } }))).toBe('NOT_FOUND:source.artifactSha256');
      expect(await codeOf(registry.createModelVersion({ name: 'x', source: { onnx: TINY }, metrics: { auc: 'high' as unknown as number } }))).toBe('INVALID_ARGUMENT:metrics.auc');
      expect(await codeOf(registry.createRegisteredModel('tiny'))).toBe('ALREADY_EXISTS:name');
      expect(await codeOf(registry.getModelVersion('tiny', 99))).toBe('NOT_FOUND:version');
      expect(await codeOf(registry.setAlias('tiny', 'latest', 1))).toBe('INVALID_ARGUMENT:alias');
      expect(await codeOf(registry.transitionStage('tiny', 1, 'Live'))).toBe('INVALID_ARGUMENT:stage');
      expect(await codeOf(registry.transitionStage('tiny', 1, 'Archived', { archiveExistingVersions: true }))).toBe('INVALID_ARGUMENT:archive_existing_versions');
    });

    it('moves aliases, resolves references and records who moved what', async () => {
      await registry.createModelVersion({ name: 'ranker', source: { onnx: TINY } });
      await registry.createModelVersion({ name: 'ranker', source: { onnx: TINY } });
      await registry.createModelVersion({ name: 'ranker', source: { onnx: TINY } });
      await registry.setAlias('ranker', 'champion', 1, { actor: 'ann' });
      expect((await registry.resolve('ranker@champion')).version).toBe(1);
      const moved = await registry.setAlias('ranker', 'champion', 2, { actor: 'bob' });
      expect(moved.aliases).toEqual(['champion']);
      expect((await registry.resolve('models:/ranker@champion')).version).toBe(2);
      expect((await registry.resolve('ranker/1')).version).toBe(1);
      expect((await registry.resolve('ranker')).version).toBe(3);
      expect((await registry.getModelVersion('ranker', 1)).aliases).toEqual([]);
      expect(await registry.deleteAlias('ranker', 'champion', { actor: 'cy' })).toBe(true);
      expect(await registry.deleteAlias('ranker', 'champion')).toBe(false);
      expect(await codeOf(registry.resolve('ranker@champion'))).toBe('NOT_FOUND:ref');
      expect(await codeOf(registry.getByAlias('ranker', 'champion'))).toBe('NOT_FOUND:alias');
      const history = (await registry.history('ranker', { alias: 'champion' })).map(({ at: _at, ...h }) => h);
      expect(history).toEqual([
        { kind: 'alias', model: 'ranker', alias: 'champion', version: 1, from: null, to: 1, actor: 'ann' },
        { kind: 'alias', model: 'ranker', alias: 'champion', version: 2, from: 1, to: 2, actor: 'bob' },
        { kind: 'alias', model: 'ranker', alias: 'champion', version: 2, from: 2, to: null, actor: 'cy' },
      ]);
      expect((await registry.history('ranker', { version: 1 })).length).toBe(2);
    });

    it('transitions stages, archiving existing versions, and records each move', async () => {
      await registry.transitionStage('ranker', 1, 'production', { actor: 'ann' });
      await registry.transitionStage('ranker', 3, 'Staging', { actor: 'ann' });
      const v2 = await registry.transitionStage('ranker', 2, 'Production', { archiveExistingVersions: true, actor: 'bob' });
      expect(v2.stage).toBe('Production');
      expect((await registry.getModelVersion('ranker', 1)).stage).toBe('Archived');
      expect((await registry.getModelVersion('ranker', 3)).stage).toBe('Staging');
      const latest = await registry.getLatestVersions('ranker');
      expect(latest.map((v) => [v.stage, v.version])).toEqual([['Staging', 3], ['Production', 2], ['Archived', 1]]);
      expect((await registry.getLatestVersions('ranker', ['Production'])).map((v) => v.version)).toEqual([2]);
      expect((await registry.resolve('ranker/Production')).version).toBe(2);
      const stageMoves = (await registry.history('ranker')).filter((h) => h.kind === 'stage').map((h) => [h.version, h.from, h.to, h.actor]);
      expect(stageMoves).toEqual([[1, 'None', 'Production', 'ann'], [3, 'None', 'Staging', 'ann'], [1, 'Production', 'Archived', 'bob'], [2, 'None', 'Production', 'bob']]);
    });

    it('never reuses a deleted version number and drops its aliases', async () => {
      await registry.setAlias('ranker', 'shadow', 3, { actor: 'ann' });
      await registry.deleteModelVersion('ranker', 3, { actor: 'dee' });
      expect(await codeOf(registry.getModelVersion('ranker', 3))).toBe('NOT_FOUND:version');
      expect((await registry.getRegisteredModel('ranker')).aliases).toEqual({});
      expect((await registry.createModelVersion({ name: 'ranker', source: { onnx: TINY } })).version).toBe(4);
      const last = (await registry.history('ranker', { alias: 'shadow' })).at(-1)!;
      expect([last.from, last.to, last.actor]).toEqual([3, null, 'dee']);
    });

    it('renames a model with its versions, aliases and history', async () => {
      await registry.createModelVersion({ name: 'old-name', source: { onnx: TINY } });
      await registry.setAlias('old-name', 'prod', 1);
      await registry.renameRegisteredModel('old-name', 'new-name');
      expect(await codeOf(registry.getRegisteredModel('old-name'))).toBe('NOT_FOUND:name');
      expect((await registry.resolve('new-name@prod')).name).toBe('new-name');
      expect((await registry.history('new-name')).length).toBe(1);
      await registry.createModelVersion({ name: 'other', source: { onnx: TINY } });
      expect(await codeOf(registry.renameRegisteredModel('new-name', 'other'))).toBe('ALREADY_EXISTS:new_name');
    });

    it('creates versions from run artifacts and MLflow source URIs', async () => {
      const fromRun = await registry.createModelVersion({ name: 'from-run', source: { runId: RUN, artifactPath: 'model' } });
      expect([fromRun.source, fromRun.runId, fromRun.artifactSha256]).toEqual([`runs:/${RUN}/model`, RUN, tinyRef.sha256]);
      // The run's metrics and commit come along when the caller gives none.
      expect([fromRun.metrics, fromRun.lineage]).toEqual([{ rmse: 0.5, auc: 0.8 }, { codeVersion: 'c0ffee', runId: RUN }]);
      const own = await registry.createModelVersion({ name: 'from-run', source: { runId: RUN, artifactPath: 'model' }, metrics: { auc: 0.85 }, lineage: { codeVersion: 'beef' } });
      expect([own.metrics, own.lineage.codeVersion]).toEqual([{ auc: 0.85 }, 'beef']);
      expect(await codeOf(registry.createModelVersion({ name: 'from-run', source: { runId: RUN, artifactPath: 'notes.txt' } }))).toBe('NOT_FOUND:source.artifactPath');
      await registry.createRegisteredModel('mlflow-model', { description: 'from MLflow', tags: { owner: 'ml' } });
      expect(await codeOf(registry.createModelVersionFromUri({ name: 'missing', source: `runs:/${RUN}/model` }))).toBe('NOT_FOUND:name');
      const a = await registry.createModelVersionFromUri({ name: 'mlflow-model', source: `mlflow-artifacts:/0/${RUN}/artifacts/model`, runId: RUN });
      expect([a.version, a.artifactSha256, a.signature.inputs[0]?.name, a.metrics.rmse]).toEqual([1, tinyRef.sha256, 'x', 0.5]);
      const b = await registry.createModelVersionFromUri({ name: 'mlflow-model', source: 's3://bucket/pickled-model' });
      expect([b.version, b.artifactSha256, b.signature]).toEqual([2, null, { inputs: [], outputs: [] }]);
      expect(await codeOf(registry.onnxBytes(b))).toBe('FAILED_PRECONDITION:source');
      const c = await registry.createModelVersionFromUri({ name: 'mlflow-model', source: 'models:/tiny/1' });
      expect(c.artifactSha256).toBe(tinyRef.sha256);
      const d = await registry.createModelVersionFromUri({ name: 'mlflow-model', source: 'models:/m-0123456789abcdef' });
      expect([d.version, d.source, d.artifactSha256]).toEqual([4, 'models:/m-0123456789abcdef', null]);
    });

    it('searches models and versions with MLflow filters, order and pages', async () => {
      for (const n of ['Fraud-a', 'fraud-b', 'fraud-c', 'fraud-d']) await registry.createRegisteredModel(n, { tags: { domain: n.startsWith('F') ? 'x' : 'risk' } });
      const like = await registry.searchRegisteredModels({ filter: "name LIKE 'fraud%'" });
      expect(like.items.map((m) => m.name)).toEqual(['fraud-b', 'fraud-c', 'fraud-d']);
      const ilike = await registry.searchRegisteredModels({ filter: "name ILIKE 'fraud%'", orderBy: ['name DESC'] });
      expect(ilike.items.map((m) => m.name)).toEqual(['fraud-d', 'fraud-c', 'fraud-b', 'Fraud-a']);
      const p1 = await registry.searchRegisteredModels({ filter: "tags.domain = 'risk'", maxResults: 2 });
      expect(p1.items.map((m) => m.name)).toEqual(['fraud-b', 'fraud-c']);
      const p2 = await registry.searchRegisteredModels({ filter: "tags.domain = 'risk'", maxResults: 2, pageToken: p1.nextPageToken });
      expect([p2.items.map((m) => m.name), p2.nextPageToken]).toEqual([['fraud-d'], undefined]);
      const byName = await registry.searchModelVersions({ filter: "name = 'ranker'", orderBy: ['version_number ASC'] });
      expect(byName.items.map((v) => v.version)).toEqual([1, 2, 4]);
      const byRun = await registry.searchModelVersions({ filter: `run_id IN ('${RUN}', 'zzz')`, orderBy: ['name', 'version_number'] });
      expect(byRun.items.map((v) => `${v.name}/${v.version}`)).toEqual(['from-run/1', 'from-run/2', 'mlflow-model/1']);
      const tagged = await registry.searchModelVersions({ filter: "tags.team = 'risk' AND version_number >= 1" });
      expect(tagged.items.map((v) => `${v.name}/${v.version}`)).toEqual(['tiny/1']);
      expect(await codeOf(registry.searchModelVersions({ filter: "flavor = 'x'" }))).toBe('INVALID_ARGUMENT:filter');
      expect(await codeOf(registry.searchRegisteredModels({ filter: "name = 'x' OR name = 'y'" }))).toBe('INVALID_ARGUMENT:filter');
      expect(await codeOf(registry.searchRegisteredModels({ maxResults: 1001 }))).toBe('INVALID_ARGUMENT:max_results');
      expect(await codeOf(registry.searchRegisteredModels({ pageToken: 'garbage' }))).toBe('INVALID_ARGUMENT:page_token');
    });

    it('numbers concurrent registrations without gaps or duplicates', async () => {
      const made = await Promise.all(Array.from({ length: 8 }, () => registry.createModelVersion({ name: 'busy', source: { artifactSha256: tinyRef.sha256 } })));
      expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('refuses lineage naming a dataset version that does not exist, naming which one, without writing anything', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'keel-registry-data-'));
      const datasets = new DatasetService({ db: store.db, artifacts, logger: silentLogger, tmpDir: join(dir, 'tmp') });
      writeFileSync(join(dir, 'cards.csv'), 'a,y\n1,0\n2,1\n');
      const cards = await datasets.add('cards', join(dir, 'cards.csv'));
      const checked = new RegistryService({ db: store.db, artifacts, logger: silentLogger, datasets });
      const register = (datasetVersions: string[]) => checked.createModelVersion({ name: 'lineaged', source: { onnx: TINY }, lineage: { datasetVersions } });
      const refusal = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: KeelError) => ({ code: e.code, field: e.field, message: e.message }));
      expect(await refusal(register([`cards@${cards.version}`, 'cards@000000000000']))).toEqual({
        code: 'NOT_FOUND', field: 'lineage.datasetVersions[1]', message: "lineage.datasetVersions[1]: dataset version 'cards@000000000000' not found",
      });
      expect(await refusal(register(['nope@000000000000']))).toEqual({ code: 'NOT_FOUND', field: 'lineage.datasetVersions[0]', message: "lineage.datasetVersions[0]: dataset 'nope' not found" });
      expect(await codeOf(register(['cards@abc']))).toBe('INVALID_ARGUMENT:lineage.datasetVersions[0]');
      expect(await codeOf(checked.getRegisteredModel('lineaged'))).toBe('NOT_FOUND:name');
      // The versions that exist, by exact version, as the newest or by the start of the id: each recorded by its full id,
      // so that the lineage still names this data once more versions are added.
      const full = `cards@${cards.version}`;
      expect((await register([full, 'cards', `cards@${cards.version.slice(0, 5)}`, 'cards@latest'])).lineage).toEqual({ datasetVersions: [full, full, full, full] });
    });
  });
}
