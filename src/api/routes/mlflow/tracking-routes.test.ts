import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../core/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../../../storage/index.js';
import { TrackingService } from '../../../tracking/index.js';
import type { Platform } from '../../platform.js';
import { mlflowArtifactsProxyRoutes } from './artifacts-proxy-routes.js';
import { mlflowTrackingRoutes } from './tracking-routes.js';

// Response bodies are read loosely, as a JSON client would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

// Request bodies below are shaped as MLflow's REST docs and its Python client send them.
describe.each(testStores())('MLflow tracking REST API on $name', (backend) => {
  let store: MetadataStore;
  let app: FastifyInstance;

  const post = async (path: string, body: unknown) => {
    const res = await app.inject({ method: 'POST', url: `/api/2.0/mlflow/${path}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return { status: res.statusCode, json: res.json() as Json };
  };
  const get = async (path: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/${path}` });
    return { status: res.statusCode, json: res.json() as Json };
  };

  beforeAll(async () => {
    store = await backend.open();
    const tracking = new TrackingService({ db: store.db, artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-art-'))), logger: silentLogger });
    const platform = { tracking } as unknown as Platform;
    app = Fastify();
    await app.register(mlflowTrackingRoutes, { platform });
    await app.register(mlflowArtifactsProxyRoutes, { platform });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('creates and reads experiments', async () => {
    const created = await post('experiments/create', { name: 'rest-exp', tags: [{ key: 'team', value: 'fr' }] });
    expect(created).toEqual({ status: 200, json: { experiment_id: '1' } });
    const got = await get('experiments/get?experiment_id=1');
    expect(got.json.experiment).toMatchObject({ experiment_id: '1', name: 'rest-exp', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'fr' }] });
    expect((await get('experiments/get-by-name?experiment_name=Default')).json.experiment.experiment_id).toBe('0');
    expect(await post('experiments/create', { name: 'rest-exp' })).toMatchObject({ status: 400, json: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(await get('experiments/get?experiment_id=77')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await post('experiments/create', {})).toEqual({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'name'"), field: 'name' } });
    await post('experiments/create', { name: 'other' });
    expect((await post('experiments/update', { experiment_id: '2', new_name: 'other-2' })).status).toBe(200);
    expect((await post('experiments/delete', { experiment_id: '2' })).status).toBe(200);
    const active = await post('experiments/search', { max_results: 10, filter: "name LIKE 'other%'" });
    expect(active.json.experiments).toEqual([]);
    const deleted = await get('experiments/search?view_type=DELETED_ONLY&max_results=10');
    expect(deleted.json.experiments.map((e: { name: string }) => e.name)).toEqual(['other-2']);
    expect((await post('experiments/restore', { experiment_id: '2' })).status).toBe(200);
  });

  it('runs: create, log-batch, log-metric, get, get-history, update, search with filter and page_token', async () => {
    // int64 start_time as a string, as protobuf JSON writes it.
    const created = await post('runs/create', {
      experiment_id: '1', user_id: 'ada', start_time: '1700000000000', run_name: 'rest-run',
      tags: [{ key: 'mlflow.source.git.commit', value: 'deadbeef' }, { key: 'mlflow.user', value: 'ada' }],
    });
    expect(created.status).toBe(200);
    const run = created.json.run;
    expect(run.info).toMatchObject({ experiment_id: '1', user_id: 'ada', status: 'RUNNING', start_time: 1700000000000, run_name: 'rest-run', lifecycle_stage: 'active' });
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/1/${run.info.run_id}/artifacts`);
    const id: string = run.info.run_id;

    const batch = await post('runs/log-batch', {
      run_id: id,
      metrics: [
        { key: 'mse', value: 2.5, timestamp: 1552550804, step: 0 },
        { key: 'mse', value: 2.0, timestamp: '1552550805', step: '1' },
        { key: 'nan', value: 'NaN', timestamp: 1552550804 },
        { key: 'inf', value: 'Infinity', timestamp: 1552550804, step: 0 },
      ],
      params: [{ key: 'model_class', value: 'LogisticRegression' }, { key: 'empty' }],
      tags: [{ key: 'team', value: 'fr-paris' }],
    });
    expect(batch).toEqual({ status: 200, json: {} });
    expect((await post('runs/log-metric', { run_id: id, key: 'mse', value: 1.5, timestamp: 1552550806, step: 2 })).json).toEqual({});
    expect((await post('runs/log-parameter', { run_uuid: id, key: 'alpha', value: '0.1' })).status).toBe(200);
    expect((await post('runs/set-tag', { run_id: id, key: 'stage', value: 'dev' })).status).toBe(200);

    const fetched = (await get(`runs/get?run_id=${id}`)).json.run;
    expect(fetched.data.metrics).toEqual(expect.arrayContaining([
      { key: 'mse', value: 1.5, timestamp: 1552550806, step: 2 },
      { key: 'nan', value: 'NaN', timestamp: 1552550804, step: 0 },
      { key: 'inf', value: 'Infinity', timestamp: 1552550804, step: 0 },
    ]));
    expect(fetched.data.params).toEqual([{ key: 'alpha', value: '0.1' }, { key: 'empty', value: '' }, { key: 'model_class', value: 'LogisticRegression' }]);

    const history = await get(`metrics/get-history?run_id=${id}&metric_key=mse`);
    expect(history.json).toEqual({ metrics: [
      { key: 'mse', value: 2.5, timestamp: 1552550804, step: 0 },
      { key: 'mse', value: 2.0, timestamp: 1552550805, step: 1 },
      { key: 'mse', value: 1.5, timestamp: 1552550806, step: 2 },
    ] });
    const paged = await get(`metrics/get-history?run_id=${id}&metric_key=mse&max_results=2`);
    expect(paged.json.metrics).toHaveLength(2);
    const rest = await get(`metrics/get-history?run_id=${id}&metric_key=mse&max_results=2&page_token=${encodeURIComponent(paged.json.next_page_token)}`);
    expect(rest.json.metrics.map((m: { step: number }) => m.step)).toEqual([2]);
    const bulk = await get(`metrics/get-history-bulk-interval?run_ids=${id}&metric_key=mse&max_results=2`);
    expect(bulk.json.metrics.map((m: { step: number; run_id: string }) => [m.step, m.run_id])).toEqual([[0, id], [2, id]]);

    const model = { run_id: id, artifact_path: 'model', utc_time_created: '2024-01-01 00:00:00.000000', flavors: { python_function: {} } };
    expect((await post('runs/log-model', { run_id: id, model_json: JSON.stringify(model) })).status).toBe(200);
    const tags = (await get(`runs/get?run_id=${id}`)).json.run.data.tags as { key: string; value: string }[];
    expect(JSON.parse(tags.find((tag) => tag.key === 'mlflow.log-model.history')!.value)).toEqual([model]);
    expect((await post('runs/log-model', { run_id: id, model_json: '{oops' })).json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('model_json') });

    const updated = await post('runs/update', { run_id: id, status: 'FINISHED', end_time: 1700000001000 });
    expect(updated.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 1700000001000 });

    for (let i = 0; i < 3; i++) {
      const r = (await post('runs/create', { experiment_id: '1', start_time: 1700000000001 + i })).json.run.info.run_id;
      await post('runs/log-batch', { run_id: r, metrics: [{ key: 'mse', value: 3 + i, timestamp: 0, step: 0 }], params: [{ key: 'model_class', value: 'Tree' }] });
    }
    const found = await post('runs/search', { experiment_ids: ['1'], filter: "metrics.mse < 2 and params.model_class = 'LogisticRegression' and tags.team LIKE 'fr%' and attributes.status = 'FINISHED'", run_view_type: 'ACTIVE_ONLY' });
    expect(found.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([id]);
    const page1 = await post('runs/search', { experiment_ids: ['1'], order_by: ['metrics.mse DESC'], max_results: 3 });
    expect(page1.json.runs.map((r: { data: { metrics: { key: string; value: number }[] } }) => r.data.metrics.find((m) => m.key === 'mse')!.value)).toEqual([5, 4, 3]);
    const page2 = await post('runs/search', { experiment_ids: ['1'], order_by: ['metrics.mse DESC'], max_results: 3, page_token: page1.json.next_page_token });
    expect(page2.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([id]);
    expect(page2.json.next_page_token).toBeUndefined();
  });

  it('get-history sends the whole history as MLflow JSON: NaN and ±Infinity as strings, int64 as numbers, in step order', async () => {
    const id = (await post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
    const logged = await post('runs/log-batch', {
      run_id: id,
      metrics: [
        { key: 'v', value: '-Infinity', timestamp: '1700000000003', step: '9007199254740991' },
        { key: 'v', value: 'NaN', timestamp: 1700000000002, step: 2 },
        { key: 'v', value: 0.1, timestamp: 1700000000000, step: 0 },
        { key: 'v', value: 0.1, timestamp: 1700000000000, step: 0 }, // an exact duplicate: stored once
        { key: 'v', value: 'Infinity', timestamp: 1700000000001, step: '1' },
        { key: 'v', value: 1 / 3, timestamp: 1700000000000, step: 0 },
      ],
    });
    expect(logged.status).toBe(200);
    const res = await app.inject({ method: 'GET', url: `/api/2.0/mlflow/metrics/get-history?run_id=${id}&metric_key=v` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body).toContain('"value":"NaN"');
    expect(res.body).toContain('"step":9007199254740991');
    expect(res.json()).toEqual({ metrics: [
      { key: 'v', value: 0.1, timestamp: 1700000000000, step: 0 },
      { key: 'v', value: 1 / 3, timestamp: 1700000000000, step: 0 },
      { key: 'v', value: 'Infinity', timestamp: 1700000000001, step: 1 },
      { key: 'v', value: 'NaN', timestamp: 1700000000002, step: 2 },
      { key: 'v', value: '-Infinity', timestamp: 1700000000003, step: 9007199254740991 },
    ] });
    expect((await get(`metrics/get-history?run_id=${id}&metric_key=none`)).json).toEqual({ metrics: [] });
    expect(await get('metrics/get-history?run_id=ffffffffffffffffffffffffffffffff&metric_key=v')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await get(`metrics/get-history?run_id=${id}`)).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'metric_key'") } });
  });

  it('answers errors with MLflow error codes and messages naming the field', async () => {
    const id = (await post('runs/create', { experiment_id: '0' })).json.run.info.run_id;
    const tooMany = await post('runs/log-batch', { run_id: id, metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i })) });
    expect(tooMany).toEqual({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('at most 1000 metrics'), field: 'metrics' } });
    const longKey = await post('runs/log-parameter', { run_id: id, key: 'k'.repeat(251), value: 'v' });
    expect(longKey.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('exceeded length limit of 250') });
    await post('runs/log-parameter', { run_id: id, key: 'p', value: 'a' });
    const changed = await post('runs/log-parameter', { run_id: id, key: 'p', value: 'b' });
    expect(changed).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Changing param values is not allowed') } });
    expect(await get('runs/get?run_id=ffffffffffffffffffffffffffffffff')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const bad = await post('runs/search', { experiment_ids: ['0'], filter: 'metrics.rmse <> ' });
    expect(bad).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('expected a number as the value of metrics.rmse') } });
    const badValue = await post('runs/log-metric', { run_id: id, key: 'm', value: 'abc', timestamp: 0 });
    expect(badValue.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'value'") });
    const malformed = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', headers: { 'content-type': 'application/json' }, payload: '{"experiment_id": ' });
    expect(malformed.statusCode).toBe(400);
  });

  it('proxies artifacts so that MLflow clients can upload, list and download', async () => {
    const info = (await post('runs/create', { experiment_id: '1' })).json.run.info;
    const base = `/api/2.0/mlflow-artifacts/artifacts/1/${info.run_id}/artifacts`;
    const put = await app.inject({ method: 'PUT', url: `${base}/model/MLmodel`, headers: { 'content-type': 'application/json' }, payload: '{"flavors": {}}' });
    expect(put.statusCode).toBe(200);
    await app.inject({ method: 'PUT', url: `${base}/notes.txt`, headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    const list = await app.inject({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`1/${info.run_id}/artifacts`)}` });
    expect(list.json()).toEqual({ files: [{ path: 'model', is_dir: true }, { path: 'notes.txt', is_dir: false, file_size: 5 }] });
    const sub = await app.inject({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`1/${info.run_id}/artifacts/model`)}` });
    expect(sub.json()).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: 15 }] });
    const down = await app.inject({ method: 'GET', url: `${base}/model/MLmodel` });
    expect(down.body).toBe('{"flavors": {}}');
    expect((await get(`artifacts/list?run_id=${info.run_id}&path=model`)).json).toEqual({ root_uri: info.artifact_uri, files: [{ path: 'model/MLmodel', is_dir: false, file_size: 15 }] });
    const wrongExp = await app.inject({ method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts/0/${info.run_id}/artifacts/notes.txt` });
    expect(wrongExp.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const escape = await app.inject({ method: 'PUT', url: `${base}/..%2F..%2Fx`, payload: 'x' });
    expect(escape.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });
});
