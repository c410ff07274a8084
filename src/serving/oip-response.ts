import { fromHalf, type NumericArray } from './datatypes.js';
import type { InferRequest } from './oip-request.js';
import type { Tensor } from './tensor.js';

export interface EncodedResponse {
  /** The JSON part; the whole body when `binary` is empty. */
  readonly json: string;
  /** Binary output chunks appended after the JSON (Triton's binary tensor extension). */
  readonly binary: readonly Buffer[];
}

/** Builds the inference response, with requested outputs only and binary ones where asked. */
export function encodeInferResponse(modelName: string, modelVersion: string, request: InferRequest, outputs: readonly Tensor[]): EncodedResponse {
  const binary: Buffer[] = [];
  let parts = '';
  if (request.outputs === undefined) {
    for (let i = 0; i < outputs.length; i++) parts = appendOutput(parts, outputs[i]!, request.binaryOutput, binary);
  } else {
    for (const want of request.outputs) {
      for (let i = 0; i < outputs.length; i++) if (outputs[i]!.name === want.name) parts = appendOutput(parts, outputs[i]!, want.binary, binary);
    }
  }
  const id = request.id === undefined ? '' : `"id":${JSON.stringify(request.id)},`;
  return { json: `{"model_name":${JSON.stringify(modelName)},"model_version":"${modelVersion}",${id}"outputs":[${parts}]}`, binary };
}

function appendOutput(parts: string, t: Tensor, asBinary: boolean, binary: Buffer[]): string {
  const head = `${parts ? ',' : ''}{"name":${JSON.stringify(t.name)},"datatype":"${t.datatype}","shape":[${t.shape.join(',')}]`;
  if (!asBinary) return `${parts}${head},"data":${jsonData(t)}}`;
  const bytes = tensorBytesOf(t);
  binary.push(bytes);
  return `${parts}${head},"parameters":{"binary_data_size":${bytes.length}}}`;
}

/** The `data` array of a tensor as JSON text. */
export function jsonData(t: Tensor): string {
  const d = t.data;
  if (Array.isArray(d)) return JSON.stringify(d);
  switch (t.datatype) {
    case 'BOOL': {
      let s = '[';
      for (let i = 0; i < d.length; i++) s += (i ? ',' : '') + (d[i] ? 'true' : 'false');
      return s + ']';
    }
    case 'FP16':
      return JSON.stringify(Array.from(d as Uint16Array, fromHalf));
    case 'INT64':
    case 'UINT64':
      return `[${(d as BigInt64Array).join(',')}]`;
    default: {
      // NaN/Infinity are not JSON: written as null, the closest the format allows.
      let s = '[';
      const f = d as Float32Array;
      for (let i = 0; i < f.length; i++) {
        const v = f[i]!;
        s += (i ? ',' : '') + (Number.isFinite(v) ? String(v) : 'null');
      }
      return s + ']';
    }
  }
}

function tensorBytesOf(t: Tensor): Buffer {
  if (Array.isArray(t.data)) {
    const chunks: Buffer[] = [];
    for (const s of t.data) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      chunks.push(len, b);
    }
    return Buffer.concat(chunks);
  }
  const d = t.data as NumericArray;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}
