import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionLogger, PredictionRecord } from '../monitoring/index.js';
import { LruCacheStore } from './cache/lru-cache-store.js';
import type { InferenceServer } from './inference-server.js';
import { fileServer, TORCH_MLP_PATH } from './testing.js';

const records: PredictionRecord[] = [];
const predictionLogger: PredictionLogger = { log: (r) => void records.push(r), dropped: 3, flush: async () => undefined, close: async () => undefined };
const lines: Record<string, unknown>[] = [];
// A destination gets newline-delimited JSON, possibly several lines per write.
const logger = pino({ level: 'info' }, new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
    cb();
  },
}));

let server: InferenceServer;
beforeAll(async () => {
  server = await fileServer([TORCH_MLP_PATH], { cacheStore: new LruCacheStore(), predictionLogger, predictionLogSampleRate: 1, deployment: 'fraud-live', logger });
});
afterAll(async () => {
  await server?.close();
});

const body = (data: number[]) => ({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data }] });
const infer = (payload: unknown, headers: Record<string, string> = {}) => server.app.inject({ method: 'POST', url: '/v2/models/torch-mlp/infer', payload: payload as object, headers });

function metric(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('cache, metrics, logs and the prediction log', () => {
  it('answers identical inputs from the cache and counts hits and misses', async () => {
    const first = await infer(body([9, 8, 7, 6]));
    const second = await infer(body([9, 8, 7, 6]));
    expect(second.json()).toEqual(first.json());
    await infer(body([1, 1, 1, 2]));
    const text = (await server.app.inject('/metrics')).body;
    const l = 'model="torch-mlp",version="1"';
    expect(metric(text, 'keel_serving_cache_hits_total', l)).toBe(1);
    expect(metric(text, 'keel_serving_cache_misses_total', l)).toBe(2);
    expect(metric(text, 'keel_serving_inference_count_total', l)).toBe(2);
    expect(metric(text, 'keel_serving_requests_total', `${l},status="200"`)).toBe(3);
    expect(metric(text, 'keel_serving_execution_count_total', l)).toBeGreaterThanOrEqual(2);
    expect(text).toContain('keel_serving_batch_size_bucket');
    expect(text).toContain('keel_serving_queue_duration_seconds_bucket');
    expect(text).toContain('keel_serving_request_duration_seconds_bucket');
    expect(text).toContain('keel_serving_prediction_log_dropped 3');
  });

  it('writes one prediction record per request with the first row, request id and deployment', async () => {
    records.length = 0;
    await infer({ inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [0.5, -1.25, 2, 0, 1, 1, 1, 1] }] }, { 'x-request-id': 'req-42' });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({ requestId: 'req-42', modelName: 'torch-mlp', modelVersion: 1, deployment: 'fraud-live', variant: null, inputs: { features: [0.5, -1.25, 2, 0] } });
    expect(Object.keys(r.outputs)).toEqual(['probabilities', 'label']);
    expect(typeof r.latencyMs).toBe('number');
  });

  it('logs the model name as the deployment when the server has no name', async () => {
    const unnamed = await fileServer([TORCH_MLP_PATH], { predictionLogger, predictionLogSampleRate: 1, logger });
    try {
      records.length = 0;
      await unnamed.app.inject({ method: 'POST', url: '/v2/models/torch-mlp/infer', payload: body([1, 2, 3, 4]) });
      expect(records.map((r) => r.deployment)).toEqual(['torch-mlp']);
    } finally {
      await unnamed.close();
    }
  });

  it('honours a W3C traceparent: echoes it and logs its trace id with the request id', async () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await infer(body([1, 2, 3, 4]), { traceparent: tp, 'x-request-id': 'req-trace' });
    expect(res.headers.traceparent).toBe(tp);
    // Access lines are written once per event-loop turn.
    await new Promise((r) => setImmediate(r));
    const line = lines.find((l) => l.reqId === 'req-trace');
    expect(line).toMatchObject({ level: 30, msg: 'request', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', method: 'POST', status: 200, url: '/v2/models/torch-mlp/infer' });
    expect(typeof line!.time).toBe('number');
    expect(typeof line!.ms).toBe('number');
    // Without a traceparent there is no trace id; an odd request id is escaped, not broken.
    await infer(body([1, 2, 3, 5]), { 'x-request-id': 'req "quoted" \\ id' });
    await new Promise((r) => setImmediate(r));
    expect(lines.find((l) => l.reqId === 'req "quoted" \\ id')).toMatchObject({ status: 200 });
    expect(lines.find((l) => l.reqId === 'req "quoted" \\ id')).not.toHaveProperty('traceId');
  });

  it('survives a few hundred random and mutated bodies, then serves a valid request', async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const valid = JSON.stringify(body([1, 2, 3, 4]));
    const values: unknown[] = [null, true, -1, 0, 1e308, 'x', [], {}, [[1]], 'FP32', 'INT64', [1, 2, 3, 4], -0.5, '9'.repeat(30)];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      let payload: string | Buffer;
      const kind = i % 3;
      if (kind === 0) {
        // Byte-level mutation of a valid body.
        const b = Buffer.from(valid);
        for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        payload = b;
      } else if (kind === 1) {
        // Structural mutation: one field replaced by a random value.
        const j = JSON.parse(valid);
        const target = [j, j.inputs, j.inputs[0], j.inputs[0].shape, j.inputs[0].data][Math.floor(rand() * 5)];
        const keys = Object.keys(target);
        target[keys[Math.floor(rand() * keys.length)]!] = values[Math.floor(rand() * values.length)];
        payload = JSON.stringify(j);
      } else {
        payload = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rand() < 0.2) headers['inference-header-content-length'] = String(Math.floor(rand() * 120));
      const res = await server.app.inject({ method: 'POST', url: '/v2/models/torch-mlp/infer', payload, headers });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode !== 200) expect(typeof res.json().error).toBe('string');
    }
    expect([...statuses.keys()].every((s) => s === 200 || s === 400)).toBe(true);
    expect(statuses.get(400)).toBeGreaterThan(150);
    expect((await infer(body([1, 2, 3, 4]))).statusCode).toBe(200);
  });
});
