import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHalf, toHalf } from './datatypes.js';
import type { InferenceServer } from './inference-server.js';
import { TestModels } from './test-models.js';
import { fileServer } from './testing.js';

const models = new TestModels();
let server: InferenceServer;
beforeAll(async () => {
  server = await fileServer([models.identities(), models.featureColumns()]);
});
afterAll(async () => {
  await server?.close();
  models.remove();
});

describe('datatypes', () => {
  it('round-trips every datatype through JSON', async () => {
    const inputs = [
      { name: 'x_i64', datatype: 'INT64', shape: [2, 2], data: [[1, '-9007199254740993'], [3, 4]] },
      { name: 'x_i32', datatype: 'INT32', shape: [2], data: [-2147483648, 7] },
      { name: 'x_u8', datatype: 'UINT8', shape: [2], data: [0, 255] },
      { name: 'x_b', datatype: 'BOOL', shape: [2], data: [true, false] },
      { name: 'x_f64', datatype: 'FP64', shape: [2], data: [0.1, -1e300] },
      { name: 'x_f32', datatype: 'FP32', shape: [2, 3], data: [0.5, 1, 2, 3, 4, 5] },
      { name: 'x_s', datatype: 'BYTES', shape: [2], data: ['héllo', ''] },
    ];
    const res = await server.app.inject({ method: 'POST', url: '/v2/models/identities/infer', payload: { inputs } });
    expect(res.statusCode).toBe(200);
    const out = Object.fromEntries(res.json().outputs.map((o: { name: string; data: unknown[] }) => [o.name, o]));
    expect(out.y_i64).toEqual({ name: 'y_i64', datatype: 'INT64', shape: [2, 2], data: [1, -9007199254740992, 3, 4] });
    expect(out.y_i32.data).toEqual([-2147483648, 7]);
    expect(out.y_u8.data).toEqual([0, 255]);
    expect(out.y_b).toEqual({ name: 'y_b', datatype: 'BOOL', shape: [2], data: [true, false] });
    expect(out.y_f64.data).toEqual([0.1, -1e300]);
    expect(out.y_f32.data).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(out.y_s).toEqual({ name: 'y_s', datatype: 'BYTES', shape: [2], data: ['héllo', ''] });
  });

  it('round-trips BYTES and BOOL through the binary extension', async () => {
    const strings = ['ab', 'ünï'].map((s) => Buffer.from(s));
    const sBytes = Buffer.concat(strings.flatMap((b) => { const l = Buffer.alloc(4); l.writeUInt32LE(b.length); return [l, b]; }));
    const bools = Buffer.from([1, 0]);
    const json = {
      inputs: [
        { name: 'x_i64', datatype: 'INT64', shape: [2, 2], data: [1, 2, 3, 4] },
        { name: 'x_i32', datatype: 'INT32', shape: [2], data: [1, 2] },
        { name: 'x_u8', datatype: 'UINT8', shape: [2], data: [1, 2] },
        { name: 'x_b', datatype: 'BOOL', shape: [2], parameters: { binary_data_size: bools.length } },
        { name: 'x_f64', datatype: 'FP64', shape: [2], data: [1, 2] },
        { name: 'x_f32', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
        { name: 'x_s', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: sBytes.length } },
      ],
      outputs: [{ name: 'y_s', parameters: { binary_data: true } }, { name: 'y_b' }],
    };
    const head = Buffer.from(JSON.stringify(json));
    const res = await server.app.inject({
      method: 'POST', url: '/v2/models/identities/infer',
      headers: { 'inference-header-content-length': String(head.length) }, payload: Buffer.concat([head, bools, sBytes]),
    });
    expect(res.statusCode).toBe(200);
    const n = Number(res.headers['inference-header-content-length']);
    const header = JSON.parse(res.rawPayload.subarray(0, n).toString());
    expect(header.outputs[0]).toEqual({ name: 'y_s', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: sBytes.length } });
    expect(header.outputs[1].data).toEqual([true, false]);
    expect(res.rawPayload.subarray(n).equals(sBytes)).toBe(true);
  });

  it('rejects out-of-range integers and non-boolean BOOLs naming the input', async () => {
    const valid = () => [
      { name: 'x_i64', datatype: 'INT64', shape: [1, 2], data: [1, 2] },
      { name: 'x_i32', datatype: 'INT32', shape: [1], data: [1] },
      { name: 'x_u8', datatype: 'UINT8', shape: [1], data: [1] as unknown[] },
      { name: 'x_b', datatype: 'BOOL', shape: [1], data: [true] as unknown[] },
      { name: 'x_f64', datatype: 'FP64', shape: [1], data: [1] },
      { name: 'x_f32', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] },
      { name: 'x_s', datatype: 'BYTES', shape: [1], data: ['a'] },
    ];
    const post = (inputs: unknown) => server.app.inject({ method: 'POST', url: '/v2/models/identities/infer', payload: { inputs } });
    expect((await post(valid())).statusCode).toBe(200);
    const u8 = valid();
    u8[2]!.data = [256];
    const b = valid();
    b[3]!.data = ['yes'];
    for (const [inputs, name] of [[u8, 'x_u8'], [b, 'x_b']] as const) {
      const res = await post(inputs);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toContain(name);
    }
  });

  it('maps /v1 instances of named features onto one input per feature column', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/v1/models/columns:predict', payload: { instances: [{ a: 1, b: 0.5 }, { a: -2, b: 1 }] } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ predictions: [2.5, -3] });
    const missing = await server.app.inject({ method: 'POST', url: '/v1/models/columns:predict', payload: { instances: [{ a: 1 }] } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toContain("'b'");    // JSON flags feed numeric inputs as 1/0.
    const flags = await server.app.inject({ method: 'POST', url: '/v1/models/columns:predict', payload: { instances: [{ a: true, b: false }] } });
    expect(flags.json()).toEqual({ predictions: [2] });
  });

  it('converts half precision both ways', () => {
    for (const v of [0, 1, -2.5, 65504, 0.000061035156]) expect(fromHalf(toHalf(v))).toBeCloseTo(v, 6);
    expect(fromHalf(toHalf(1e6))).toBe(Infinity);
  });
});
