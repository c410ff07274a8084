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

  // The SDK's table of a call's options (its error for an unknown one lists them) against the
  // route's query or body in the server's own OpenAPI document: an option the server does not take,
  // or a field the SDK cannot send, fails here. Tracking's calls go to the MLflow routes, which
  // name their fields in snake_case and are not in the document's strict form.
  it('each call\'s options are the fields of its route, but for those the SDK names or sends otherwise', async () => {
    type Operation = { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } };
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const fieldsOf = (route: string, where: 'query' | 'body'): string[] => {
      const [method, path] = route.split(' ') as [string, string];
      const op = spec.paths[path]?.[method.toLowerCase()];
      if (!op) throw new Error(`no route ${route}`);
      if (where === 'query') return (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
      return Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}).sort();
    };
    const known = async (call: () => unknown): Promise<string[]> => {
      const e = (await Promise.resolve().then(call).then(() => undefined, (err: unknown) => err)) as { field?: string; message?: string } | undefined;
      const m = /^probe: no such option \(known: (.*)\)$/.exec(e?.message ?? '');
      if (!m) throw new Error(`not refused as an unknown option: ${e?.message}`);
      return m[1]!.split(', ').sort();
    };
    const probe = { probe: 1 };
    const file = join(home, 'probe.csv');
    writeFileSync(file, 'x\n1\n');
    const untyped = client as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>;
    // [call, route, where, the SDK's own options (the call's, not sent as fields), the route's fields the SDK fills from its arguments or under another name]
    const calls: [() => unknown, string, 'query' | 'body', string[], string[]][] = [
      [() => untyped.datasets!.add!('d', file, probe), 'POST /api/v1/datasets/{name}/versions', 'query', ['onProgress', 'signal'], ['filename']],
      [() => untyped.datasets!.rows!('d', probe), 'GET /api/v1/datasets/{name}/versions/{version}/rows', 'query', [], []],
      [() => untyped.registry!.listModels!(probe), 'GET /api/v1/models', 'query', [], []],
      [() => untyped.registry!.listVersions!('m', probe), 'GET /api/v1/models/{name}/versions', 'query', [], []],
      [() => untyped.registry!.createModel!('m', probe), 'POST /api/v1/models', 'body', [], ['name']],
      [() => untyped.registry!.updateModel!('m', probe), 'PATCH /api/v1/models/{name}', 'body', [], []],
      [() => untyped.registry!.registerModel!('m', probe), 'POST /api/v1/models/{name}/versions', 'body', ['onnx'], ['onnxBase64']],
      [() => untyped.registry!.transitionStage!('m', 1, 'Staging', probe), 'POST /api/v1/models/{name}/versions/{version}/stage', 'body', [], ['stage']],
      [() => untyped.registry!.history!('m', probe), 'GET /api/v1/models/{name}/history', 'query', [], []],
      [() => untyped.monitoring!.feedback!({ requestId: 'r', label: 1, ...probe }), 'POST /api/v1/feedback', 'body', [], ['labels']],
      [() => untyped.monitoring!.predictions!({ deployment: 'svc', ...probe }), 'GET /api/v1/predictions', 'query', ['labelCursor', 'labeledOnly'], ['labelCursorRequestId', 'labelCursorTs', 'labeled']],
      [() => untyped.monitoring!.run!('m', probe), 'POST /api/v1/monitors/{name}/run', 'body', [], []],
      [() => untyped.monitoring!.alerts!(probe), 'GET /api/v1/alerts', 'query', [], []],
      [() => untyped.validation!.inferSchema!('d', probe), 'POST /api/v1/schemas/infer', 'body', [], ['dataset']],
      [() => untyped.validation!.validate!('d', probe), 'POST /api/v1/validate', 'body', [], ['dataset']],
      [() => untyped.validation!.drift!('a', 'b', probe), 'POST /api/v1/drift', 'body', [], ['current', 'reference']],
      [() => untyped.training!.train!(probe), 'POST /api/v1/train', 'body', [], []],
      [() => untyped.training!.resume!('r', probe), 'POST /api/v1/train/{runId}/resume', 'body', [], []],
      [() => untyped.artifacts!.gc!(probe), 'POST /api/v1/artifacts/gc', 'body', [], []],
    ];
    for (const [call, route, where, sdkOnly, serverOnly] of calls) {
      const sdk = (await known(call)).filter((k) => !sdkOnly.includes(k));
      const server = fieldsOf(route, where).filter((k) => !serverOnly.includes(k));
      expect({ route, sdk }).toEqual({ route, sdk: server });
    }
  });
});
