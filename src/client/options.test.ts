import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from './keel-client.js';

// Options as plain JavaScript (or a cast) passes them: no compiler checks them.
type Untyped = Record<string, (...args: unknown[]) => unknown>;

let server: Server;
let requests = 0;
let baseUrl: string;
let keel: KeelClient;
let csv: string;
const ONNX = new Uint8Array([8, 7]);

beforeAll(async () => {
  // Answers every request with an error of its own: a call that got this far fails with INTERNAL.
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL","message":"reached the server"}}');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  keel = new KeelClient({ baseUrl });
  // A real file, so that an add whose options went unchecked would be sent (and counted).
  csv = join(mkdtempSync(join(tmpdir(), 'keel-sdk-options-')), 'churn.csv');
  writeFileSync(csv, 'a;b\n1;2\n');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const part = (name: keyof KeelClient): Untyped => keel[name] as unknown as Untyped;

/** What a call did: its error's code, field and message, and how many requests reached the server. */
async function outcome(call: () => unknown): Promise<{ code?: string; field?: string; message?: string; requests: number }> {
  const before = requests;
  const err = (await Promise.resolve().then(call).then(() => ({}), (e: unknown) => e)) as { code?: string; field?: string; message?: string };
  return { code: err.code, field: err.field, message: err.message, requests: requests - before };
}

// [what, the call with a bad option, its field, its message, the same call with the option right]
const CASES: [string, () => unknown, string, string, () => unknown][] = [
  ['datasets.add: a delimiter not a string', () => part('datasets').add!('churn', csv, { delimiter: 5 }), 'delimiter', 'delimiter: expected a string, got number 5', () => part('datasets').add!('churn', csv, { delimiter: ';' })],
  ['datasets.add: a misspelt option', () => part('datasets').add!('churn', csv, { delimeter: ';' }), 'delimeter', 'delimeter: no such option (known: format, description, encoding, delimiter, decimal, thousands, comment, na, header, names, skip, columns, dateFormat, fillShortRows, types, signal, onProgress)', () => part('datasets').add!('churn', csv, { delimiter: ';' })],
  ['datasets.add: header as a string', () => part('datasets').add!('churn', csv, { header: 'false' }), 'header', "header: expected true or false, got 'false'", () => part('datasets').add!('churn', csv, { header: false })],
  ['datasets.add: types not of strings', () => part('datasets').add!('churn', csv, { types: { a: 1 } }), 'types', 'types: expected an object of strings, got an object', () => part('datasets').add!('churn', csv, { types: { a: 'string' } })],
  ['datasets.rows: a limit not a number', () => part('datasets').rows!('churn', { limit: '10' }), 'limit', "limit: expected a whole number, got '10'", () => part('datasets').rows!('churn', { limit: 10 })],
  ['tracking.searchRuns: maxResults as words', () => part('tracking').searchRuns!({ experimentIds: ['0'], maxResults: 'ten' }), 'maxResults', "maxResults: expected a whole number, got 'ten'", () => part('tracking').searchRuns!({ experimentIds: ['0'], maxResults: 10 })],
  ['tracking.searchRuns: a misspelt option', () => part('tracking').searchRuns!({ experimentIds: ['0'], maxResult: 10 }), 'maxResult', 'maxResult: no such option (known: experimentIds, filter, orderBy, maxResults, pageToken, runViewType)', () => part('tracking').searchRuns!({ experimentIds: ['0'], maxResults: 10 })],
  ['tracking.searchRuns: a run view type not one of them', () => part('tracking').searchRuns!({ experimentIds: ['0'], runViewType: 'active' }), 'runViewType', "runViewType: expected one of 'ACTIVE_ONLY', 'DELETED_ONLY', 'ALL', got 'active'", () => part('tracking').searchRuns!({ experimentIds: ['0'], runViewType: 'ALL' })],
  ['tracking.startRun: experimentID', () => part('tracking').startRun!({ experimentID: '1' }), 'experimentID', 'experimentID: no such option (known: experimentId, experimentName, runName, tags, parentRunId, gitCommit)', () => part('tracking').startRun!({ experimentId: '1' })],
  ['tracking.logBatch: a metric point\'s value', () => part('tracking').logBatch!('r1', { metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }, { key: 'auc', value: '0.9', timestamp: 1, step: 1 }] }), 'metrics[1].value', "metrics[1].value: expected a number, got '0.9'", () => part('tracking').logBatch!('r1', { metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }] })],
  ['registry.listModels: maxResults as a string', () => part('registry').listModels!({ maxResults: '5' }), 'maxResults', "maxResults: expected a whole number, got '5'", () => part('registry').listModels!({ maxResults: 5 })],
  ['registry.registerModel: a lineage field misspelt', () => part('registry').registerModel!('fraud', { onnx: ONNX, lineage: { runID: 'abc' } }), 'lineage.runID', 'lineage.runID: no such option (known: runId, datasetVersions, codeVersion)', () => part('registry').registerModel!('fraud', { onnx: ONNX, lineage: { runId: 'abc' } })],
  ['registry.transitionStage: archiveExisting', () => part('registry').transitionStage!('fraud', 1, 'Production', { archiveExisting: true }), 'archiveExisting', 'archiveExisting: no such option (known: archiveExistingVersions)', () => part('registry').transitionStage!('fraud', 1, 'Production', { archiveExistingVersions: true })],
  ['monitoring.predictions: a limit as a string', () => part('monitoring').predictions!({ deployment: 'fraud', limit: '10' }), 'limit', "limit: expected a whole number, got '10'", () => part('monitoring').predictions!({ deployment: 'fraud', limit: 10 })],
  ['monitoring.predictions: the server\'s name, not the SDK\'s', () => part('monitoring').predictions!({ deployment: 'fraud', labeled: true }), 'labeled', 'labeled: no such option (known: deployment, labeledOnly, from, to, labelCursor, limit)', () => part('monitoring').predictions!({ deployment: 'fraud', labeledOnly: true })],
  ['monitoring.predictions: a label cursor\'s time', () => part('monitoring').predictions!({ deployment: 'fraud', labelCursor: { ts: '1', requestId: 'r1' } }), 'labelCursor.ts', "labelCursor.ts: expected a number, got '1'", () => part('monitoring').predictions!({ deployment: 'fraud', labelCursor: { ts: 1, requestId: 'r1' } })],
  ['monitoring.alerts: a state not one of them', () => part('monitoring').alerts!({ state: 'open' }), 'state', "state: expected one of 'firing', 'resolved', got 'open'", () => part('monitoring').alerts!({ state: 'firing' })],
  ['monitoring.feedback: a label\'s field misspelt', () => part('monitoring').feedback!([{ requestId: 'r1', label: 1 }, { requestId: 'r2', label: 0, ts: 5 }]), 'labels[1].ts', 'labels[1].ts: no such option (known: requestId, label, timestamp)', () => part('monitoring').feedback!([{ requestId: 'r1', label: 1 }, { requestId: 'r2', label: 0, timestamp: 5 }])],
  ['monitoring.windows: a limit as a string', () => part('monitoring').windows!('fraud-mon', 'five'), 'limit', "limit: expected a whole number, got 'five'", () => part('monitoring').windows!('fraud-mon', 5)],
  ['validation.drift: a threshold as a string', () => part('validation').drift!('cards@1', 'cards@2', { threshold: '0.1' }), 'threshold', "threshold: expected a number or an object of numbers, got '0.1'", () => part('validation').drift!('cards@1', 'cards@2', { threshold: 0.1 })],
  ['training.train: a split field misspelt', () => part('training').train!({ dataset: 'cards', target: 'y', split: { knd: 'time' } }), 'split.knd', 'split.knd: no such option (known: kind, timeColumn, validFraction, testFraction)', () => part('training').train!({ dataset: 'cards', target: 'y', split: { kind: 'time' } })],
  ['artifacts.gc: dryrun', () => part('artifacts').gc!({ dryrun: true }), 'dryrun', 'dryrun: no such option (known: olderThanMs, dryRun)', () => part('artifacts').gc!({ dryRun: true })],
];

describe("the SDK's options", () => {
  it('are refused, an unknown key or a value of the wrong type, with INVALID_ARGUMENT naming the option, before any request', async () => {
    for (const [what, bad, field, message] of CASES) {
      expect({ what, ...(await outcome(bad)) }).toEqual({ what, code: 'INVALID_ARGUMENT', field, message, requests: 0 });
    }
  });

  // The counting server is reached by each call once its option is right: a call that did not
  // check its options would have been counted above, and failed with the server's error.
  it('right, the same calls are sent', async () => {
    for (const [what, , , , good] of CASES) {
      const r = await outcome(good);
      expect({ what, refusedHere: r.code === 'INVALID_ARGUMENT', sent: r.requests > 0 }).toEqual({ what, refusedHere: false, sent: true });
    }
    // An option given as undefined is left out, as JSON leaves it out.
    expect((await outcome(() => part('tracking').searchRuns!({ experimentIds: ['0'], maxResults: undefined }))).requests).toBeGreaterThan(0);
  });

  it('left out or undefined, an option is not checked; a client option misspelt is refused when the client is made', () => {
    expect(() => new KeelClient({ baseUrl, timeout: 5 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'timeout' }));
    expect(() => new KeelClient({ baseUrl, token: 7 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'token', message: 'token: expected a string, got number 7' }));
    expect(new KeelClient({ baseUrl, token: undefined }).http.options.baseUrl).toBe(baseUrl);
  });
});
