import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../../core/index.js';
import { createApiServer } from '../../server.js';
import { openPlatform, type Platform } from '../../platform.js';

interface Parameter { readonly in: string; readonly name: string; readonly required?: boolean; readonly schema: object }
interface Operation { readonly parameters?: readonly Parameter[]; readonly requestBody?: { content: { 'application/json': { schema: { properties: Record<string, object>; required?: string[] } } } } }
type Spec = { paths: Record<string, Record<string, Operation>> };

const INT64 = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] };

describe('the MLflow-compatible routes at /docs/json', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let spec: Spec;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-mlflow-docs-'));
    platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as Spec;
  });
  afterAll(async () => {
    await app?.close();
    await platform?.close();
  });

  const query = (path: string): Record<string, Omit<Parameter, 'in' | 'name'>> =>
    Object.fromEntries((spec.paths[`/api/2.0/mlflow${path}`]!.get!.parameters ?? []).filter((p) => p.in === 'query').map(({ in: _in, name, ...rest }) => [name, rest]));
  const body = (method: string, path: string) => spec.paths[`/api/2.0/mlflow${path}`]![method]!.requestBody!.content['application/json'].schema;

  it('lists every operation with its parameters: the query string of a GET, the JSON body otherwise', () => {
    const bare = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/2.0/mlflow/'))
      .flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => !op.parameters?.length && !op.requestBody).map(([method]) => `${method} ${path}`));
    expect(bare).toEqual([]);
  });

  it('describes the parameters as MLflow clients send them (int64 as a number or a string)', () => {
    expect(query('/metrics/get-history')).toMatchObject({
      run_id: { schema: { type: 'string' } }, run_uuid: { required: false }, metric_key: { required: true, schema: { type: 'string' } }, max_results: { required: false, schema: INT64 },
    });
    expect(Object.keys(query('/runs/search'))).toEqual(['experiment_ids', 'run_view_type', 'max_results', 'page_token', 'filter', 'order_by']);
    expect(query('/runs/search').experiment_ids!.schema).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(spec.paths['/api/2.0/mlflow-artifacts/artifacts']!.get!.parameters).toMatchObject([{ in: 'query', name: 'path', required: false }]);
    expect(query('/model-versions/get')).toMatchObject({ name: { required: true }, version: { required: true, schema: { type: 'string' } } });

    const logBatch = body('post', '/runs/log-batch');
    expect(Object.keys(logBatch.properties)).toEqual(['run_id', 'run_uuid', 'metrics', 'params', 'tags']);
    expect(logBatch.properties.metrics).toMatchObject({ type: 'array', items: { required: ['key', 'value'], properties: { timestamp: INT64, step: INT64 } } });
    expect(body('post', '/runs/create').properties.start_time).toMatchObject(INT64);
    expect(body('post', '/registered-models/alias')).toMatchObject({ required: ['name', 'alias', 'version'] });
    expect(body('delete', '/registered-models/alias')).toMatchObject({ required: ['name', 'alias'] });
    expect(body('post', '/model-versions/transition-stage').properties.archive_existing_versions).toMatchObject({ anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true'] }, { type: 'string', enum: ['false'] }] });
  });

  it('still takes what MLflow clients send: int64 fields as strings, a view type by number, the run as run_uuid', async () => {
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await app.inject({ method, url: `/api/2.0/mlflow${url}`, ...(payload ? { payload } : {}) });
      return { status: res.statusCode, json: res.json() as Record<string, unknown> };
    };
    const created = await call('POST', '/runs/create', { experiment_id: '0', start_time: '1700000000000' });
    expect(created.status).toBe(200);
    const { info } = created.json.run as { info: { run_id: string; start_time: number } };
    expect(info.start_time).toBe(1_700_000_000_000);
    expect((await call('POST', '/runs/log-metric', { run_uuid: info.run_id, key: 'loss', value: 'NaN', timestamp: '1700000000001', step: '3' })).status).toBe(200);
    const history = await call('GET', `/metrics/get-history?run_uuid=${info.run_id}&metric_key=loss&max_results=10`);
    expect(history.json).toEqual({ metrics: [{ key: 'loss', value: 'NaN', timestamp: 1_700_000_000_001, step: 3 }] });
    expect((await call('GET', '/experiments/search?view_type=3&max_results=5')).status).toBe(200);
  });
});
