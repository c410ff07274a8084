import { readFileSync } from 'node:fs';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceServer } from './inference-server.js';
import { fileServer, TORCH_MLP_PATH } from './testing.js';

const expected = JSON.parse(readFileSync(new URL('./testdata/torch-mlp-expected.json', import.meta.url), 'utf8')) as {
  inputs: number[][]; probabilities: number[][]; label: number[];
};

let server: InferenceServer;
beforeAll(async () => {
  server = await fileServer([TORCH_MLP_PATH], { maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server?.close();
});

const infer = (payload: unknown, url = '/v2/models/torch-mlp/infer') => server.app.inject({ method: 'POST', url, payload: payload as object });

describe('Open Inference Protocol endpoints', () => {
  it('answers health, server and model metadata with the signature read from the ONNX file', async () => {
    expect((await server.app.inject('/v2/health/live')).statusCode).toBe(200);
    expect((await server.app.inject('/v2/health/ready')).json()).toEqual({ ready: true });
    expect((await server.app.inject('/v2')).json()).toMatchObject({ name: 'keel', extensions: ['binary_tensor_data'] });
    const meta = (await server.app.inject('/v2/models/torch-mlp')).json();
    expect(meta).toEqual({
      name: 'torch-mlp', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }, { name: 'label', datatype: 'INT64', shape: [-1] }],
    });
    expect((await server.app.inject('/v2/models/torch-mlp/versions/1/ready')).json()).toEqual({ name: 'torch-mlp', ready: true });
    const missing = await server.app.inject('/v2/models/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toContain('nope');
  });

  it('returns what PyTorch computed for the same inputs, from flat and nested data', async () => {
    const rows = expected.inputs.length;
    for (const data of [expected.inputs.flat(), expected.inputs]) {
      const res = await infer({ id: 'r1', inputs: [{ name: 'features', shape: [rows, 4], datatype: 'FP32', data }] });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ model_name: 'torch-mlp', model_version: '1', id: 'r1' });
      const probs = body.outputs.find((o: { name: string }) => o.name === 'probabilities');
      expect(probs.shape).toEqual([rows, 3]);
      probs.data.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected.probabilities.flat()[i]!, 5));
      expect(body.outputs.find((o: { name: string }) => o.name === 'label')).toEqual({ name: 'label', datatype: 'INT64', shape: [rows], data: expected.label });
    }
  });

  it('returns only the requested outputs, and binary outputs on request', async () => {
    const res = await infer({
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: expected.inputs[0] }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    });
    expect(res.statusCode).toBe(200);
    const headerLength = Number(res.headers['inference-header-content-length']);
    const raw = res.rawPayload;
    const head = JSON.parse(raw.subarray(0, headerLength).toString('utf8'));
    expect(head.outputs).toEqual([{ name: 'probabilities', datatype: 'FP32', shape: [1, 3], parameters: { binary_data_size: 12 } }]);
    const bin = raw.subarray(headerLength);
    const probs = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 12));
    expect([...probs].map((v) => Number(v.toFixed(5)))).toEqual(expected.probabilities[0]!.map((v) => Number(v.toFixed(5))));
  });

  it('takes binary tensor data in the request (Inference-Header-Content-Length)', async () => {
    const data = new Float32Array(expected.inputs.flat());
    const head = Buffer.from(JSON.stringify({
      inputs: [{ name: 'features', shape: [4, 4], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }],
      outputs: [{ name: 'label' }],
    }));
    const res = await server.app.inject({
      method: 'POST', url: '/v2/models/torch-mlp/infer',
      headers: { 'inference-header-content-length': String(head.length), 'content-type': 'application/octet-stream' },
      payload: Buffer.concat([head, Buffer.from(data.buffer)]),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().outputs).toEqual([{ name: 'label', datatype: 'INT64', shape: [4], data: expected.label }]);
  });

  it('takes gzip and deflate request bodies and compresses the answer when asked, as Triton does', async () => {
    const json = JSON.stringify({ inputs: [{ name: 'features', shape: [4, 4], datatype: 'FP32', data: expected.inputs.flat() }], outputs: [{ name: 'label' }] });
    const plain = await infer(JSON.parse(json));
    expect(plain.json().outputs[0].data).toEqual(expected.label);
    const post = (headers: Record<string, string>, payload: Buffer) => server.app.inject({ method: 'POST', url: '/v2/models/torch-mlp/infer', headers, payload });
    const gz = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip', 'accept-encoding': 'gzip' }, gzipSync(json));
    expect(gz.statusCode).toBe(200);
    // A small answer goes out as it is, whatever the client accepts.
    expect(gz.headers['content-encoding']).toBeUndefined();
    expect(gz.body).toBe(plain.body);
    // 64 rows' labels and probabilities are worth compressing: with the encoding the client prefers.
    const rows = Array.from({ length: 16 }, () => expected.inputs).flat();
    const big = JSON.stringify({ inputs: [{ name: 'features', shape: [rows.length, 4], datatype: 'FP32', data: rows.flat() }] });
    const bigPlain = await post({ 'content-type': 'application/json' }, Buffer.from(big));
    expect(bigPlain.body.length).toBeGreaterThan(1024);
    for (const [accept, encoding] of [['gzip', 'gzip'], ['deflate;q=0.5, gzip;q=0.4', 'deflate'], ['gzip;q=0, *', 'deflate'], ['gzip;q=0, deflate;q=0', undefined], ['br', undefined]] as const) {
      const res = await post({ 'content-type': 'application/json', 'accept-encoding': accept }, Buffer.from(big));
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      const body = encoding === 'gzip' ? gunzipSync(res.rawPayload) : encoding === 'deflate' ? inflateSync(res.rawPayload) : res.rawPayload;
      expect(body.toString('utf8')).toBe(bigPlain.body);
    }
    const df = await post({ 'content-type': 'application/json', 'content-encoding': 'deflate' }, deflateSync(json));
    expect(df.headers['content-encoding']).toBeUndefined();
    expect(df.body).toBe(plain.body);
    // Binary extension: Inference-Header-Content-Length counts the uncompressed JSON.
    const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'features', shape: [4, 4], datatype: 'FP32', parameters: { binary_data_size: 64 } }], outputs: [{ name: 'label' }] }));
    const bin = await post({ 'content-encoding': 'gzip', 'inference-header-content-length': String(head.length) }, gzipSync(Buffer.concat([head, Buffer.from(new Float32Array(expected.inputs.flat()).buffer)])));
    expect(bin.body).toBe(plain.body);
    const garbage = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'));
    expect(garbage.statusCode).toBe(400);
    expect(typeof garbage.json().error).toBe('string');
    // A small compressed body that expands past the 64 KiB body limit.
    const bomb = gzipSync(JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: new Array(60000).fill(1) }] }));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const tooBig = await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toContain('decompressed request body is larger than the 65536-byte limit');
    const unknown = await post({ 'content-type': 'application/json', 'content-encoding': 'br' }, Buffer.from(json));
    expect(unknown.statusCode).toBe(415);
    expect(unknown.json().error).toContain('Content-Encoding');
  });

  it('maps /v1 instances onto the model input', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/v1/models/torch-mlp:predict', payload: { instances: expected.inputs.slice(0, 2) } });
    expect(res.statusCode).toBe(200);
    const { predictions } = res.json();
    expect(predictions).toHaveLength(2);
    expect(predictions[1].label).toBe(expected.label[1]);
    expect(predictions[1].probabilities[2]).toBeCloseTo(expected.probabilities[1]![2]!, 5);
  });

  it.each([
    ['a wrong shape', { inputs: [{ name: 'features', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] }, 'features'],
    ['too few elements', { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'features'],
    ['a wrong datatype', { inputs: [{ name: 'features', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] }] }, 'features'],
    ['a string value', { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 'x', 3, 4] }] }, 'features'],
    ['a missing input', { inputs: [] }, 'features'],
    ['an extra input', { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'bogus', shape: [1], datatype: 'FP32', data: [1] }] }, 'bogus'],
    ['an unknown output', { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'nope' }] }, 'nope'],
  ])('answers %s with 400 naming the input', async (_what, payload, name) => {
    const res = await infer(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain(name);
  });

  it('rejects malformed JSON, a bad binary header, non-finite values and an oversize body', async () => {
    const json = await server.app.inject({ method: 'POST', url: '/v2/models/torch-mlp/infer', headers: { 'content-type': 'application/json' }, payload: '{"inputs": [' });
    expect(json.statusCode).toBe(400);
    expect(typeof json.json().error).toBe('string');
    const header = await server.app.inject({
      method: 'POST', url: '/v2/models/torch-mlp/infer', headers: { 'inference-header-content-length': '9999' }, payload: Buffer.from('{"inputs":[]}'),
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().error).toContain('Inference-Header-Content-Length');
    const nan = new Float32Array([1, NaN, 2, 3]);
    const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }));
    const nonFinite = await server.app.inject({
      method: 'POST', url: '/v2/models/torch-mlp/infer', headers: { 'inference-header-content-length': String(head.length) }, payload: Buffer.concat([head, Buffer.from(nan.buffer)]),
    });
    expect(nonFinite.statusCode).toBe(400);
    expect(nonFinite.json().error).toMatch(/features.*NaN/);
    const big = await infer({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: new Array(40000).fill(1) }] });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toContain('limit');
    const ok = await infer({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    expect(ok.statusCode).toBe(200);
  });
});
