import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelError, silentLogger } from '../core/index.js';
import { LocalArtifactStore, testStores, type MetadataStore } from '../storage/index.js';
import { TrackingService } from './index.js';

async function rejects(p: Promise<unknown>, code: string, field?: string, text?: string): Promise<KeelError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(KeelError);
  const k = e as KeelError;
  expect(k.code).toBe(code);
  if (field !== undefined) expect(k.field).toBe(field);
  if (text !== undefined) expect(k.message).toContain(text);
  return k;
}

describe.each(testStores())('TrackingService on $name', (backend) => {
  let store: MetadataStore;
  let t: TrackingService;

  beforeAll(async () => {
    store = await backend.open();
    t = new TrackingService({ db: store.db, artifacts: new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'keel-art-'))), logger: silentLogger });
  });
  afterAll(async () => store.close());

  it('has the Default experiment with id 0 and numbers new ones', async () => {
    expect((await t.getExperiment('0')).name).toBe('Default');
    const id = await t.createExperiment('exp-a', { tags: [{ key: 'team', value: 'fr' }] });
    expect(id).toBe('1');
    expect(await t.getOrCreateExperiment('exp-a')).toBe('1');
    expect(await t.getOrCreateExperiment('exp-b')).toBe('2');
    const exp = await t.getExperimentByName('exp-a');
    expect(exp).toMatchObject({ experiment_id: '1', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active', tags: [{ key: 'team', value: 'fr' }] });
    await rejects(t.createExperiment('exp-a'), 'ALREADY_EXISTS', 'name');
    await rejects(t.getExperiment('999'), 'NOT_FOUND', 'experiment_id');
  });

  it('renames, deletes, restores and searches experiments', async () => {
    const id = await t.createExperiment('to-rename');
    await t.updateExperiment(id, 'renamed');
    expect((await t.getExperiment(id)).name).toBe('renamed');
    await t.deleteExperiment(id);
    expect((await t.searchExperiments({ filter: "name = 'renamed'" })).experiments).toHaveLength(0);
    expect((await t.searchExperiments({ filter: "name = 'renamed'", viewType: 'DELETED_ONLY' })).experiments).toHaveLength(1);
    await t.restoreExperiment(id);
    const byTag = await t.searchExperiments({ filter: "tags.team = 'fr'" });
    expect(byTag.experiments.map((e) => e.name)).toEqual(['exp-a']);
    const paged = await t.searchExperiments({ maxResults: 2, orderBy: ['name ASC'] });
    expect(paged.experiments.map((e) => e.name)).toEqual(['Default', 'exp-a']);
    const next = await t.searchExperiments({ maxResults: 2, orderBy: ['name ASC'], pageToken: paged.next_page_token });
    expect(next.experiments.map((e) => e.name)).toEqual(['exp-b', 'renamed']);
    await rejects(t.deleteExperiment('0'), 'INVALID_ARGUMENT', 'experiment_id');
  });

  it('creates runs with system tags, nested runs and logs params, metrics, tags', async () => {
    const parent = await t.createRun({ experimentId: '1', runName: 'parent', tags: [{ key: 'mlflow.source.git.commit', value: 'abc123' }] });
    expect(parent.info).toMatchObject({ run_name: 'parent', status: 'RUNNING', experiment_id: '1', lifecycle_stage: 'active' });
    expect(parent.info.artifact_uri).toBe(`mlflow-artifacts:/1/${parent.info.run_id}/artifacts`);
    const child = await t.createRun({ experimentId: '1', tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }], userId: 'ada' });
    expect(child.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(child.info.user_id).toBe('ada');

    const r = parent.info.run_id;
    await t.logBatch(r, {
      params: [{ key: 'model', value: 'mlp' }, { key: 'lr', value: '0.1' }],
      metrics: [
        { key: 'loss', value: 1, timestamp: 10, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 20, step: 2 },
        { key: 'loss', value: 0.7, timestamp: 30, step: 1 },
        { key: 'weird', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'big', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
        { key: 'small', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
      ],
      tags: [{ key: 'team', value: 'france' }],
    });
    await t.logParam(r, 'model', 'mlp'); // same value again: fine
    await rejects(t.logParam(r, 'model', 'gbdt'), 'INVALID_ARGUMENT', 'params[0].value', "Changing param values is not allowed. Param with key='model'");
    await t.logMetric(r, 'loss', 0.4, { step: 1, timestamp: 40 }); // older step: history grows, latest stays step 2
    const run = await t.getRun(r);
    expect(run.data.params).toEqual([{ key: 'lr', value: '0.1' }, { key: 'model', value: 'mlp' }]);
    const byKey = Object.fromEntries(run.data.metrics.map((m) => [m.key, m]));
    expect(byKey.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 20, step: 2 });
    expect(byKey.weird!.value).toBeNaN();
    expect(byKey.big!.value).toBe(Number.POSITIVE_INFINITY);
    expect(byKey.small!.value).toBe(Number.NEGATIVE_INFINITY);
    expect(run.data.tags).toEqual(expect.arrayContaining([
      { key: 'mlflow.runName', value: 'parent' },
      { key: 'mlflow.source.git.commit', value: 'abc123' },
      { key: 'team', value: 'france' },
    ]));
    const history = await t.getMetricHistory(r, 'loss');
    expect(history.metrics.map((m) => [m.step, m.value])).toEqual([[0, 1], [1, 0.7], [1, 0.4], [2, 0.5]]);
    expect(history.next_page_token).toBeUndefined();
    expect((await t.getMetricHistory(r, 'big')).metrics[0]!.value).toBe(Number.POSITIVE_INFINITY);
    expect((await t.getMetricHistory(r, 'small')).metrics[0]!.value).toBe(Number.NEGATIVE_INFINITY);
    expect((await t.getMetricHistory(r, 'weird')).metrics[0]!.value).toBeNaN();
    const page1 = await t.getMetricHistory(r, 'loss', { maxResults: 3 });
    expect(page1.metrics).toHaveLength(3);
    const page2 = await t.getMetricHistory(r, 'loss', { maxResults: 3, pageToken: page1.next_page_token });
    expect(page2.metrics.map((m) => m.value)).toEqual([0.5]);
    expect(page2.next_page_token).toBeUndefined();

    const info = await t.updateRun(r, { status: 'FINISHED', endTime: 12345, runName: 'parent-2' });
    expect(info).toMatchObject({ status: 'FINISHED', end_time: 12345, run_name: 'parent-2' });
    expect((await t.getRun(r)).data.tags).toContainEqual({ key: 'mlflow.runName', value: 'parent-2' });
  });

  it('rejects bad input naming the field and leaves stored data untouched', async () => {
    const { info } = await t.createRun({ experimentId: '1', runName: 'limits' });
    const r = info.run_id;
    await rejects(t.logBatch(r, { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 0, step: i })) }), 'INVALID_ARGUMENT', 'metrics', 'at most 1000 metrics. Got 1001');
    await rejects(t.logBatch(r, { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) }), 'INVALID_ARGUMENT', 'params', 'at most 100 params');
    await rejects(t.logBatch(r, { tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) }), 'INVALID_ARGUMENT', 'tags', 'at most 100 tags');
    await rejects(t.logParam(r, 'k'.repeat(251), 'v'), 'INVALID_ARGUMENT', 'params[0].key', 'exceeded length limit of 250');
    await rejects(t.logParam(r, 'p', 'v'.repeat(6001)), 'INVALID_ARGUMENT', 'params[0].value', 'exceeded length limit of 6000');
    await t.logParam(r, 'p6000', 'v'.repeat(6000));
    await rejects(t.setTag(r, 't', 'v'.repeat(8001)), 'INVALID_ARGUMENT', 'tags[0].value', 'exceeded length limit of 8000');
    await rejects(t.logParam(r, '../etc', 'v'), 'INVALID_ARGUMENT', 'params[0].key');
    // A batch whose param conflicts stores none of its metrics.
    await t.logParam(r, 'fixed', 'a');
    await rejects(t.logBatch(r, { params: [{ key: 'fixed', value: 'b' }], metrics: [{ key: 'm', value: 1, timestamp: 0, step: 0 }] }), 'INVALID_ARGUMENT');
    expect((await t.getMetricHistory(r, 'm')).metrics).toEqual([]);
    await rejects(t.getRun('0123456789abcdef0123456789abcdef'), 'NOT_FOUND', 'run_id');
    await rejects(t.createRun({ experimentId: '424242' }), 'NOT_FOUND', 'experiment_id');
    await rejects(t.updateRun(r, { status: 'DONE' as never }), 'INVALID_ARGUMENT', 'status');
    await t.deleteRun(r);
    await rejects(t.logMetric(r, 'm', 1), 'INVALID_ARGUMENT', 'run_id', "must be in the 'active' state");
    await t.restoreRun(r);
    await t.logMetric(r, 'm', 1);
  });

  it('searches runs in SQL with MLflow filters, order_by and page tokens', async () => {
    const exp = await t.createExperiment('search');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const run = await t.createRun({ experimentId: exp, runName: `run-${i}`, startTime: 1000 + i });
      ids.push(run.info.run_id);
      await t.logBatch(run.info.run_id, {
        params: [{ key: 'model', value: i % 2 ? 'mlp' : 'gbdt' }, { key: 'depth', value: String(i) }],
        metrics: i === 11 ? [] : [{ key: 'rmse', value: i / 10, timestamp: 0, step: 0 }],
        tags: [{ key: 'team', value: i % 3 ? 'fr-paris' : 'Fr-lyon' }],
      });
      if (i < 4) await t.updateRun(run.info.run_id, { status: 'FINISHED' });
    }
    const names = async (filter: string, orderBy?: string[]) =>
      (await t.searchRuns({ experimentIds: [exp], filter, ...(orderBy ? { orderBy } : {}) })).runs.map((r) => r.info.run_name);
    expect(await names(`metrics.rmse < 0.8 and params.model = 'mlp' and tags.team LIKE 'fr%' and attributes.status = 'FINISHED'`)).toEqual(['run-1']);
    expect(await names(`params.model = 'mlp'`, ['metrics.rmse DESC'])).toEqual(['run-9', 'run-7', 'run-5', 'run-3', 'run-1', 'run-11']); // no rmse: last
    expect(await names(`tags.team ILIKE 'fr-l%'`, ['attributes.start_time ASC'])).toEqual(['run-0', 'run-3', 'run-6', 'run-9']);
    expect(await names(`tags.team LIKE 'fr-l%'`)).toEqual([]); // LIKE is case-sensitive, as in MLflow
    expect(await names(`params.depth IN ('1', '2') and metrics.rmse >= 0.2`)).toEqual(['run-2']);
    expect(await names(`metrics.rmse != 0.5 and metrics.rmse > 0.8`)).toEqual(['run-10', 'run-9']);
    expect(await names(`attributes.run_name = 'run-4'`)).toEqual(['run-4']);
    expect(await names(`params.model != 'mlp' and attributes.start_time > 1007`)).toEqual(['run-10', 'run-8']);
    expect(await names(`params.nope IS NULL and attributes.status != 'RUNNING'`, ['params.depth ASC'])).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    expect(await names(`tags.mlflow.runName = 'run-7'`)).toEqual(['run-7']);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await t.searchRuns({ experimentIds: [exp], orderBy: ['metrics.rmse ASC'], maxResults: 5, ...(token ? { pageToken: token } : {}) });
      seen.push(...page.runs.map((r) => r.info.run_name));
      token = page.next_page_token;
    } while (token);
    expect(seen).toEqual([...Array.from({ length: 11 }, (_, i) => `run-${i}`), 'run-11']);

    await rejects(t.searchRuns({ experimentIds: [exp], filter: 'metrics.rmse <' }), 'INVALID_ARGUMENT', 'filter', 'expected a number');
    await rejects(t.searchRuns({ experimentIds: [exp], pageToken: 'garbage' }), 'INVALID_ARGUMENT', 'page_token');
    await rejects(t.searchRuns({ experimentIds: [exp], maxResults: 50_001 }), 'INVALID_ARGUMENT', 'max_results');
    await t.deleteRun(ids[0]!);
    expect((await t.searchRuns({ experimentIds: [exp], runViewType: 'DELETED_ONLY' })).runs.map((r) => r.info.run_id)).toEqual([ids[0]]);
  });

  it('downsamples history for charts with get-history-bulk-interval', async () => {
    const { info } = await t.createRun({ experimentId: '0' });
    await t.logBatch(info.run_id, { metrics: Array.from({ length: 101 }, (_, i) => ({ key: 'acc', value: i, timestamp: i, step: i })) });
    const points = await t.getMetricHistoryBulkInterval({ runIds: [info.run_id], key: 'acc', maxResults: 5 });
    expect(points.map((p) => p.step)).toEqual([0, 25, 50, 75, 100]);
    expect(points[0]!.run_id).toBe(info.run_id);
    const ranged = await t.getMetricHistoryBulkInterval({ runIds: [info.run_id], key: 'acc', startStep: 10, endStep: 12 });
    expect(ranged.map((p) => p.step)).toEqual([10, 11, 12]);
  });

  it('stores artifacts in the artifact store and lists them like a directory tree', async () => {
    const { info } = await t.createRun({ experimentId: '0' });
    await t.logArtifact(info.run_id, 'model/model.onnx', new TextEncoder().encode('onnx-bytes'));
    await t.logArtifact(info.run_id, 'model/meta/MLmodel', new TextEncoder().encode('flavors: {}'));
    await t.logArtifact(info.run_id, 'notes.txt', new TextEncoder().encode('hello'));
    expect(await t.listArtifacts(info.run_id)).toEqual([
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ]);
    expect(await t.listArtifacts(info.run_id, 'model')).toEqual([
      { path: 'model/meta', is_dir: true },
      { path: 'model/model.onnx', is_dir: false, file_size: 10 },
    ]);
    const ref = await t.getArtifact(info.run_id, 'model/model.onnx');
    expect(ref).toEqual({ sha256: createHash('sha256').update('onnx-bytes').digest('hex'), size: 10 });
    expect((await t.readArtifact(info.run_id, 'model/model.onnx')).toString()).toBe('onnx-bytes');
    await rejects(t.logArtifact(info.run_id, '../escape', new Uint8Array(1)), 'INVALID_ARGUMENT', 'path');
    await rejects(t.getArtifact(info.run_id, 'missing'), 'NOT_FOUND', 'path');
  });
});
