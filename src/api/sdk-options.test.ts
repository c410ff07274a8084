import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from '../client/index.js';
import { loadConfig, silentLogger } from '../core/index.js';
import { openPlatform, type Platform } from './platform.js';
import { createApiServer } from './server.js';

const TINY = new Uint8Array(readFileSync(new URL('../registry/testdata/tiny.onnx', import.meta.url)));
const H = 3_600_000;

// The SDK checks its options before it sends them (client/options.test.ts); here the options it
// lets through are the ones the server takes, under the names it reads: each call is given many of
// its options, and its answer shows they were read (the server refuses a field it does not know).
describe('SDK calls with their options, against a Keel server', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let client: KeelClient;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keel-sdk-options-'));
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    client = new KeelClient({ baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }), timeoutMs: 60_000 });
    const log = platform.monitoring.createLogger({ now: () => 0 });
    for (let i = 0; i < 10; i++) log.log({ requestId: `r${i}`, timestamp: i * 1000, modelName: 'm', modelVersion: 1, deployment: 'svc', variant: null, inputs: { x: i }, outputs: { probability: i / 10 }, latencyMs: 2 });
    await log.close();
  });
  afterAll(async () => {
    await client?.tracking.close();
    await app?.close();
    await platform?.close();
  });

  it('datasets: add with a CSV\'s read options, rows with a page of some columns', async () => {
    const file = join(home, 'churn.csv');
    writeFileSync(file, '# exported\na;b;zip;day\n1;2;007;2024-05-01\n3;?;010;2024-05-02\n');
    const added = await client.datasets.add('churn', file, {
      format: 'csv', description: 'from the SDK', encoding: 'utf-8', delimiter: ';', decimal: '.', comment: '#', na: ['?'], header: true,
      skip: 0, columns: ['a', 'b', 'zip', 'day'], dateFormat: '%Y-%m-%d', fillShortRows: false, types: { zip: 'string' }, onProgress: () => undefined,
    });
    expect(added.rows).toBe(2);
    const detail = await client.datasets.get(`churn@${added.version}`);
    expect((await client.datasets.list()).find((d) => d.name === 'churn')?.description).toBe('from the SDK');
    expect(Object.fromEntries(detail.columns.map((c) => [c.name, c.type]))).toMatchObject({ zip: 'string', a: expect.stringMatching(/int/) });
    const page = await client.datasets.rows(`churn@${added.version}`, { limit: 1, offset: 1, columns: ['zip', 'b'] });
    expect(page.columns.map((c) => c.name)).toEqual(['zip', 'b']);
    expect(page.rows).toEqual([['010', null]]);
  });

  it('tracking: startRun with an experiment name, tags and a commit; searchRuns with a filter, an order and a page size', async () => {
    const run = await client.tracking.startRun({ experimentName: 'sdk-options', runName: 'first', tags: { team: 'risk' }, gitCommit: 'abc123' });
    await client.tracking.logBatch(run.info.run_id, { metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }], params: [{ key: 'depth', value: '3' }], tags: [{ key: 'stage', value: 'dev' }] });
    await client.tracking.startRun({ experimentId: run.info.experiment_id, runName: 'second', parentRunId: run.info.run_id });
    const found = await client.tracking.searchRuns({ experimentIds: [run.info.experiment_id], filter: "tags.team = 'risk'", orderBy: ['start_time DESC'], maxResults: 5, runViewType: 'ACTIVE_ONLY' });
    expect(found.runs.map((r) => r.info.run_name)).toEqual(['first']);
    expect(found.runs[0]!.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.source.git.commit', value: 'abc123' }, { key: 'stage', value: 'dev' }]));
    const paged = await client.tracking.searchRuns({ experimentIds: [run.info.experiment_id], orderBy: ['attributes.run_name ASC'], maxResults: 1 });
    expect([paged.runs.map((r) => r.info.run_name), typeof paged.nextPageToken]).toEqual([['first'], 'string']);
    const next = await client.tracking.searchRuns({ experimentIds: [run.info.experiment_id], orderBy: ['attributes.run_name ASC'], maxResults: 1, pageToken: paged.nextPageToken! });
    expect(next.runs.map((r) => r.info.run_name)).toEqual(['second']);
  });

  it('registry: a model made, a version registered with its metadata, listed, staged and its history read, each with options', async () => {
    await client.registry.createModel('fraud', { description: 'first', tags: { team: 'risk' } });
    expect((await client.registry.updateModel('fraud', { description: 'second' })).description).toBe('second');
    const v = await client.registry.registerModel('fraud', { onnx: TINY, metrics: { auc: 0.9 }, lineage: { codeVersion: 'abc123' }, description: 'v1', tags: { k: 'v' } });
    expect(v).toMatchObject({ version: 1, metrics: { auc: 0.9 }, description: 'v1', tags: { k: 'v' }, lineage: { codeVersion: 'abc123' } });
    await client.registry.createModel('fraud-b');
    const listed = await client.registry.listModels({ filter: "name LIKE 'fraud%'", orderBy: ['name DESC'], maxResults: 1 });
    expect(listed.items.map((m) => m.name)).toEqual(['fraud-b']);
    const rest = await client.registry.listModels({ filter: "name LIKE 'fraud%'", orderBy: ['name DESC'], maxResults: 1, pageToken: listed.nextPageToken! });
    expect(rest.items.map((m) => m.name)).toEqual(['fraud']);
    expect((await client.registry.transitionStage('fraud', 1, 'Staging', { archiveExistingVersions: true })).stage).toBe('Staging');
    expect(await client.registry.history('fraud', { version: 1 })).toMatchObject([{ kind: 'stage', to: 'Staging' }]);
  });

  it('monitoring: feedback with its time, predictions by a query, a monitor run at a time, alerts and windows by a query', async () => {
    expect(await client.monitoring.feedback([{ requestId: 'r1', label: 1, timestamp: 5 }, { requestId: 'r2', label: 0 }])).toEqual({ stored: 2, matched: 2 });
    const labeled = await client.monitoring.predictions({ deployment: 'svc', labeledOnly: true, from: 0, to: 10_000, limit: 5 });
    expect(labeled.map((p) => p.requestId)).toEqual(['r1', 'r2']);
    const after = await client.monitoring.predictions({ deployment: 'svc', labeledOnly: true, labelCursor: { ts: 5, requestId: 'r1' }, limit: 5 });
    expect(after.map((p) => p.requestId)).toEqual(['r2']);
    await client.monitoring.createMonitor({ name: 'svc-mon', deployment: 'svc', window: { size: '1h' }, task: 'binary', rules: [{ metric: 'count', op: '>', threshold: 5 }] });
    expect((await client.monitoring.run('svc-mon', { now: H })).evaluated).toHaveLength(1);
    expect((await client.monitoring.alerts({ monitor: 'svc-mon', deployment: 'svc', state: 'firing', limit: 10 })).map((a) => a.rule)).toEqual(['count']);
    expect(await client.monitoring.alerts({ monitor: 'svc-mon', state: 'resolved' })).toEqual([]);
    expect((await client.monitoring.windows('svc-mon', 1)).map((w) => w.count)).toEqual([10]);
    expect((await client.monitoring.status('svc', 1))[0]!.windows).toHaveLength(1);
  });

  it('validation and artifacts: drift with its options, a schema inferred with a domain size, a dry gc', async () => {
    const file = join(home, 'cards.csv');
    writeFileSync(file, `x,c\n${Array.from({ length: 40 }, (_, i) => `${i},${'abcd'[i % 4]}`).join('\n')}\n`);
    const ref = `cards@${(await client.datasets.add('cards', file)).version}`;
    const drift = await client.validation.drift(ref, ref, { method: { x: 'psi' }, threshold: 0.2, datasetDriftShare: 0.5, columns: ['x'], distributions: true });
    expect(drift.columns.map((c) => [c.column, c.test, c.threshold, c.distribution !== undefined])).toEqual([['x', 'psi', 0.2, true]]);
    // Four values in c: a domain within 10, none within 2.
    const domainOfC = async (maxDomainSize: number) => ((await client.validation.inferSchema(ref, { maxDomainSize })).columns as { name: string; domain?: unknown }[]).find((col) => col.name === 'c')?.domain;
    expect(await domainOfC(10)).toEqual(['a', 'b', 'c', 'd']);
    expect(await domainOfC(2)).toBeNull();
    const gc = await client.artifacts.gc({ dryRun: true, olderThanMs: 0 });
    expect(gc).toMatchObject({ dryRun: true });
  });
});
