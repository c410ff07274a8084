import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, loadConfig, silentLogger } from '../../../core/index.js';
import { RegistryService } from '../../../registry/index.js';
import { openPlatform, type Platform } from '../../platform.js';
import { createApiServer } from '../../server.js';

const TINY = readFileSync(new URL('../../../registry/testdata/tiny.onnx', import.meta.url));
const RUN = 'b'.repeat(32);
const API = '/api/2.0/mlflow';

describe('MLflow model registry REST API', () => {
  let platform: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-mlflow-registry-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    const tinyRef = await platform.artifacts.put(TINY);
    // The run RUN logged an MLflow ONNX model directory at `model/`.
    const tracking = {
      async getArtifact(runId: string, path: string) {
        if (runId === RUN && path === 'model/model.onnx') return tinyRef;
        throw new KeelError('NOT_FOUND', `no artifact ${path}`);
      },
    };
    const registry = new RegistryService({ db: platform.store.db, artifacts: platform.artifacts, logger: silentLogger, tracking });
    app = await createApiServer({ ...platform, registry }, { accessLog: false });
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown>, query?: string) => {
    const res = await app.inject({ method, url: `${API}/${path}${query ? `?${query}` : ''}`, ...(body ? { payload: body } : {}) });
    return { status: res.statusCode, json: res.json() };
  };

  it('creates a registered model and versions, answering in MLflow shapes', async () => {
    const created = await call('POST', 'registered-models/create', { name: 'fraud', description: 'card fraud', tags: [{ key: 'team', value: 'risk' }] });
    expect(created.status).toBe(200);
    expect(created.json.registered_model).toMatchObject({ name: 'fraud', description: 'card fraud', tags: [{ key: 'team', value: 'risk' }], latest_versions: [], aliases: [] });
    expect(typeof created.json.registered_model.creation_timestamp).toBe('number');
    const dup = await call('POST', 'registered-models/create', { name: 'fraud' });
    expect([dup.status, dup.json.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    for (const n of [1, 2, 3]) {
      const v = await call('POST', 'model-versions/create', { name: 'fraud', source: `mlflow-artifacts:/1/${RUN}/artifacts/model`, run_id: RUN, tags: [{ key: 'n', value: String(n) }] });
      expect(v.status).toBe(200);
      expect(v.json.model_version).toMatchObject({ name: 'fraud', version: String(n), current_stage: 'None', status: 'READY', run_id: RUN, source: `mlflow-artifacts:/1/${RUN}/artifacts/model` });
    }
    const got = await call('GET', 'model-versions/get', undefined, 'name=fraud&version=2');
    expect(got.json.model_version.tags).toEqual([{ key: 'n', value: '2' }]);
    // The run's ONNX model became the version's artifact, with its signature.
    const sdk = await platform.registry.getModelVersion('fraud', 2);
    expect(sdk.signature.inputs).toEqual([{ name: 'x', type: 'float32', shape: [-1, 3] }]);
    const uri = await call('GET', 'model-versions/get-download-uri', undefined, 'name=fraud&version=1');
    expect(uri.json).toEqual({ artifact_uri: `mlflow-artifacts:/1/${RUN}/artifacts/model` });
    const missing = await call('POST', 'model-versions/create', { name: 'nope', source: 's3://x/y' });
    expect([missing.status, missing.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it('sets, reads and deletes aliases', async () => {
    expect((await call('POST', 'registered-models/alias', { name: 'fraud', alias: 'champion', version: '1' })).status).toBe(200);
    expect((await call('POST', 'registered-models/alias', { name: 'fraud', alias: 'champion', version: 2 })).status).toBe(200);
    const byAlias = await call('GET', 'registered-models/alias', undefined, 'name=fraud&alias=champion');
    expect([byAlias.json.model_version.version, byAlias.json.model_version.aliases]).toEqual(['2', ['champion']]);
    const model = await call('GET', 'registered-models/get', undefined, 'name=fraud');
    expect(model.json.registered_model.aliases).toEqual([{ alias: 'champion', version: '2' }]);
    const badVersion = await call('POST', 'registered-models/alias', { name: 'fraud', alias: 'x', version: '9' });
    expect([badVersion.status, badVersion.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect((await call('DELETE', 'registered-models/alias', { name: 'fraud', alias: 'champion' })).status).toBe(200);
    const gone = await call('GET', 'registered-models/alias', undefined, 'name=fraud&alias=champion');
    expect([gone.status, gone.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const history = await platform.registry.history('fraud', { alias: 'champion' });
    expect(history.map((h) => [h.from, h.to, h.actor])).toEqual([[null, 1, 'local'], [1, 2, 'local'], [2, null, 'local']]);
  });

  it('transitions stages with archive_existing_versions and reports latest versions', async () => {
    await call('POST', 'model-versions/transition-stage', { name: 'fraud', version: '1', stage: 'Production', archive_existing_versions: false });
    await call('POST', 'model-versions/transition-stage', { name: 'fraud', version: '3', stage: 'staging', archive_existing_versions: 'false' });
    const t = await call('POST', 'model-versions/transition-stage', { name: 'fraud', version: '2', stage: 'Production', archive_existing_versions: true });
    expect(t.json.model_version.current_stage).toBe('Production');
    expect((await call('GET', 'model-versions/get', undefined, 'name=fraud&version=1')).json.model_version.current_stage).toBe('Archived');
    const latest = await call('GET', 'registered-models/get-latest-versions', undefined, 'name=fraud&stages=Production&stages=Staging');
    expect(latest.json.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([['2', 'Production'], ['3', 'Staging']]);
    const all = await call('POST', 'registered-models/get-latest-versions', { name: 'fraud' });
    expect(all.json.model_versions.map((v: { version: string }) => v.version)).toEqual(['3', '2', '1']);
    const bad = await call('POST', 'model-versions/transition-stage', { name: 'fraud', version: '2', stage: 'Live', archive_existing_versions: false });
    expect([bad.status, bad.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  it('searches registered models and versions with filters and page tokens', async () => {
    for (const n of ['fraud-eu', 'fraud-us', 'churn']) await call('POST', 'registered-models/create', { name: n });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('GET', 'registered-models/search', undefined, `filter=${encodeURIComponent("name LIKE 'fraud%'")}&max_results=2&order_by=name+DESC${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.json.registered_models.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.registered_models.map((m: { name: string }) => m.name));
      token = page.json.next_page_token;
    } while (token);
    expect(seen).toEqual(['fraud-us', 'fraud-eu', 'fraud']);
    const versions = await call('GET', 'model-versions/search', undefined, `filter=${encodeURIComponent("name='fraud'")}&order_by=version_number+ASC`);
    expect(versions.json.model_versions.map((v: { version: string }) => v.version)).toEqual(['1', '2', '3']);
    const byRun = await call('GET', 'model-versions/search', undefined, `filter=${encodeURIComponent(`run_id='${RUN}'`)}&max_results=1`);
    expect([byRun.json.model_versions.length, typeof byRun.json.next_page_token]).toEqual([1, 'string']);
    const badFilter = await call('GET', 'registered-models/search', undefined, `filter=${encodeURIComponent('name LIKE')}`);
    expect([badFilter.status, badFilter.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(badFilter.json.message).toContain('filter');
    const tooMany = await call('GET', 'registered-models/search', undefined, 'max_results=5000');
    expect([tooMany.status, tooMany.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
  });

  it('updates, renames, tags and deletes', async () => {
    const upd = await call('PATCH', 'model-versions/update', { name: 'fraud', version: '3', description: 'candidate' });
    expect(upd.json.model_version.description).toBe('candidate');
    expect((await call('POST', 'model-versions/set-tag', { name: 'fraud', version: '3', key: 'k', value: 'v' })).status).toBe(200);
    expect((await call('DELETE', 'model-versions/delete-tag', { name: 'fraud', version: '3', key: 'k' })).status).toBe(200);
    expect((await call('POST', 'registered-models/set-tag', { name: 'churn', key: 'k', value: 'v' })).status).toBe(200);
    expect((await call('DELETE', 'registered-models/delete-tag', { name: 'churn', key: 'k' })).status).toBe(200);
    const patched = await call('PATCH', 'registered-models/update', { name: 'churn', description: 'weekly' });
    expect(patched.json.registered_model.description).toBe('weekly');
    const renamed = await call('POST', 'registered-models/rename', { name: 'churn', new_name: 'churn-v2' });
    expect(renamed.json.registered_model.name).toBe('churn-v2');
    expect((await call('DELETE', 'model-versions/delete', { name: 'fraud', version: '3' })).status).toBe(200);
    const after = await call('GET', 'model-versions/get', undefined, 'name=fraud&version=3');
    expect([after.status, after.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect((await call('DELETE', 'registered-models/delete', { name: 'churn-v2' })).status).toBe(200);
    expect((await call('GET', 'registered-models/get', undefined, 'name=churn-v2')).status).toBe(404);
  });

  it('registers the ONNX model an MLflow client logged to a run on the real tracking service', async () => {
    const real = await createApiServer(platform, { accessLog: false });
    try {
      const created = await real.inject({ method: 'POST', url: `${API}/runs/create`, payload: { experiment_id: '0', start_time: 1 } });
      const runId = (created.json() as { run: { info: { run_id: string } } }).run.info.run_id;
      await real.inject({ method: 'POST', url: `${API}/runs/log-metric`, payload: { run_id: runId, key: 'auc', value: 0.93, timestamp: 1, step: 0 } });
      // What `mlflow.onnx.log_model(..., 'model')` uploads through the artifacts proxy.
      const put = await real.inject({ method: 'PUT', url: `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/model.onnx`, payload: TINY, headers: { 'content-type': 'application/octet-stream' } });
      expect(put.statusCode).toBe(200);
      await real.inject({ method: 'POST', url: `${API}/registered-models/create`, payload: { name: 'logged' } });
      const mvRes = await real.inject({ method: 'POST', url: `${API}/model-versions/create`, payload: { name: 'logged', source: `runs:/${runId}/model`, run_id: runId } });
      expect(mvRes.json().model_version).toMatchObject({ version: '1', run_id: runId, source: `runs:/${runId}/model` });
      const mv = await platform.registry.getModelVersion('logged', 1);
      expect([mv.artifactSha256 !== null, mv.signature.outputs.map((o) => o.name), mv.metrics.auc, mv.lineage.runId]).toEqual([true, ['y', 'label'], 0.93, runId]);
      expect(Buffer.from(await platform.registry.onnxBytes(mv)).equals(TINY)).toBe(true);
    } finally {
      await real.close();
    }
  });

  it('answers bad requests with MLflow error codes naming the field', async () => {
    const noName = await call('GET', 'registered-models/get');
    expect([noName.status, noName.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(noName.json.message).toContain("'name'");
    const badVersion = await call('GET', 'model-versions/get', undefined, 'name=fraud&version=abc');
    expect([badVersion.status, badVersion.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const emptyDelete = await app.inject({ method: 'DELETE', url: `${API}/registered-models/delete`, headers: { 'content-type': 'application/json' } });
    expect([emptyDelete.statusCode, emptyDelete.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const malformed = await app.inject({ method: 'POST', url: `${API}/registered-models/create`, headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect([malformed.statusCode, malformed.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const ajax = await app.inject({ method: 'GET', url: '/ajax-api/2.0/mlflow/registered-models/get?name=fraud' });
    expect(ajax.statusCode).toBe(200);
  });

  it("answers what is not found with MLflow's code and words, and the field beside them", async () => {
    expect(await call('GET', 'registered-models/get', undefined, 'name=nope')).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found', field: 'name' } });
    expect(await call('GET', 'model-versions/get', undefined, 'name=fraud&version=99')).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=fraud, version=99) not found', field: 'version' } });
    expect(await call('GET', 'registered-models/alias', undefined, 'name=fraud&alias=gone')).toEqual({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered model alias gone not found.', field: 'alias' } });
  });

  // Where Keel's own routes refuse a field they do not know: MLflow's clients send fields of newer servers.
  it('takes body fields it does not read, as MLflow\'s server does', async () => {
    const created = await call('POST', 'registered-models/create', { name: 'lenient', description: 'kept', deployment_job_id: 'ignored' });
    expect([created.status, created.json.registered_model.description]).toEqual([200, 'kept']);
  });
});
