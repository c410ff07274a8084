import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from './keel-client.js';

// The SDK as plain JavaScript sees it: no compiler checks its arguments.
type Untyped = Record<string, (...args: unknown[]) => unknown>;

let server: Server;
let requests = 0;
let keel: KeelClient;

beforeAll(async () => {
  // Answers every request with an error: a call that got this far would fail with another code.
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL","message":"reached the server"}}');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  keel = new KeelClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** What a call did: its error's code, field and message, and whether it threw at once rather than rejected. */
async function refusal(call: () => unknown): Promise<{ code?: string; field?: string; message?: string; sync: boolean; requests: number }> {
  const before = requests;
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    const err = e as { code?: string; field?: string; message?: string };
    return { code: err.code, field: err.field, message: err.message, sync: true, requests: requests - before };
  }
  const err = (await Promise.resolve(result).then(() => ({}), (e: unknown) => e)) as { code?: string; field?: string; message?: string };
  return { code: err.code, field: err.field, message: err.message, sync: false, requests: requests - before };
}

const client = (part: keyof KeelClient): Untyped => keel[part] as unknown as Untyped;

describe('the SDK called from plain JavaScript', () => {
  it('refuses a missing or ill-typed argument with INVALID_ARGUMENT naming it, before any request', async () => {
    const cases: [string, () => unknown, string, string][] = [
      ['datasets.get()', () => client('datasets').get!(), 'ref', 'ref: required: expected a non-empty string'],
      ['datasets.get(3)', () => client('datasets').get!(3), 'ref', 'ref: expected a non-empty string, got number 3'],
      ['datasets.add(name)', () => client('datasets').add!('churn'), 'file', 'file: required: expected a file path (a non-empty string)'],
      ['datasets.add(name, file, { columns: "a,b" })', () => client('datasets').add!('churn', 'x.csv', { columns: 'a,b' }), 'columns', "columns: expected an array of non-empty strings, got 'a,b'"],
      ['datasets.download(ref)', () => client('datasets').download!('churn'), 'dest', 'dest: required: expected a file path or a writable stream'],
      ['datasets.diff(a)', () => client('datasets').diff!('churn@1'), 'b', 'b: required: expected a non-empty string'],
      ['tracking.searchRuns()', () => client('tracking').searchRuns!(), 'options', 'options: required: expected an object'],
      ['tracking.searchRuns({})', () => client('tracking').searchRuns!({}), 'experimentIds', 'experimentIds: required: expected an array of non-empty strings'],
      ['tracking.searchRuns({ experimentIds: "0" })', () => client('tracking').searchRuns!({ experimentIds: '0' }), 'experimentIds', "experimentIds: expected an array of non-empty strings, got '0'"],
      ['tracking.logParams(id)', () => client('tracking').logParams!('run1'), 'params', 'params: required: expected an object'],
      ['tracking.logParam(id, key)', () => client('tracking').logParam!('run1', 'depth'), 'value', 'value: required: expected a string'],
      ['tracking.getRun(null)', () => client('tracking').getRun!(null), 'runId', 'runId: expected a non-empty string, got null'],
      ['monitoring.predictions()', () => client('monitoring').predictions!(), 'query', 'query: required: expected an object'],
      ['monitoring.predictions({})', () => client('monitoring').predictions!({}), 'deployment', 'deployment: required: expected a non-empty string'],
      ['monitoring.updateMonitor({ deployment })', () => client('monitoring').updateMonitor!({ deployment: 'fraud' }), 'name', 'name: required: expected a non-empty string'],
      ['monitoring.feedback("r1")', () => client('monitoring').feedback!('r1'), 'labels', "labels: expected an object or an array of objects, got 'r1'"],
      ['registry.registerModel(name)', () => client('registry').registerModel!('fraud'), 'options', 'options: required: expected an object'],
      ['registry.registerModel(name, {})', () => client('registry').registerModel!('fraud', {}), 'source', 'source: give exactly one of onnx (the ONNX bytes), artifactSha256, or runId with artifactPath'],
      ['registry.registerModel(name, { onnx: path })', () => client('registry').registerModel!('fraud', { onnx: 'model.onnx' }), 'onnx', "onnx: expected a Uint8Array (a Buffer, or readFileSync's answer), got 'model.onnx'"],
      ['registry.getVersion(name, "3")', () => client('registry').getVersion!('fraud', '3'), 'version', "version: expected a whole number, got '3'"],
      ['registry.setAlias(name, alias)', () => client('registry').setAlias!('fraud', 'champion'), 'version', 'version: required: expected a whole number'],
      ['validation.drift(reference)', () => client('validation').drift!('cards@1'), 'current', 'current: required: expected a non-empty string'],
      ['training.train()', () => client('training').train!(), 'request', 'request: required: expected an object'],
      ['artifacts.gc(null)', () => client('artifacts').gc!(null), 'options', 'options: expected an object, got null'],
    ];
    for (const [what, call, field, message] of cases) {
      const r = await refusal(call);
      expect({ what, ...r }).toEqual({ what, code: 'INVALID_ARGUMENT', field, message, sync: false, requests: 0 });
    }
  });

  it('refuses a metric point at once (logMetric is synchronous), before it is buffered', async () => {
    expect(await refusal(() => client('tracking').logMetric!('run1', 'loss'))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'value', sync: true });
    expect(await refusal(() => client('tracking').logMetric!('run1', 'loss', 0.1, 1.5))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'step', sync: true });
    expect(await refusal(() => client('tracking').logMetrics!('run1', { auc: '0.9' }))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'metrics.auc', message: "metrics.auc: expected a number, got '0.9'", sync: true });
    // Not finite is a metric's value still (MLflow keeps NaN and the infinities).
    expect(() => keel.tracking.logMetric('run1', 'loss', Number.NaN)).not.toThrow();
    await keel.tracking.close().catch(() => undefined);
  });

  // Every call that needs an argument checks it: one added later without a check fails here.
  it('refuses every call made with no arguments at all, naming a field, except those whose arguments are all optional', async () => {
    const allOptional = new Set(['datasets.list', 'registry.listModels', 'tracking.searchExperiments', 'tracking.startRun', 'tracking.flush', 'tracking.close',
      'monitoring.listMonitors', 'monitoring.alerts', 'artifacts.gc']);
    const parts = ['datasets', 'registry', 'tracking', 'monitoring', 'validation', 'training', 'artifacts'] as const;
    let checked = 0;
    for (const part of parts) {
      const proto = Object.getPrototypeOf(keel[part]) as object;
      for (const method of Object.getOwnPropertyNames(proto)) {
        const fn = (proto as Untyped)[method];
        if (method === 'constructor' || typeof fn !== 'function' || allOptional.has(`${part}.${method}`)) continue;
        // Private helpers (TypeScript's `private`) are on the prototype too; they are called with arguments.
        if (['call', 'send', 'rethrow'].includes(method)) continue;
        const r = await refusal(() => fn.call(keel[part]));
        expect({ call: `${part}.${method}()`, code: r.code, named: r.field !== undefined, requests: r.requests }).toEqual({ call: `${part}.${method}()`, code: 'INVALID_ARGUMENT', named: true, requests: 0 });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
