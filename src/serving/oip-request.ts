import { KeelError } from '../core/index.js';
import { allocateSmall, INT_RANGE, isDatatype, toHalf, viewBytes, type Datatype, type TensorData } from './datatypes.js';
import { elementCount, type ModelSignature, type Tensor, type TensorSpec } from './tensor.js';

/** An inference request after validation against the model's signature. */
export interface InferRequest {
  readonly id: string | undefined;
  /** One tensor per signature input, in signature order. */
  readonly inputs: Tensor[];
  /** Rows along dimension 0 (1 for a model without a batch dimension). */
  readonly rows: number;
  /** Outputs to return (all when undefined), each with whether it goes back as binary data. */
  readonly outputs: readonly { readonly name: string; readonly binary: boolean }[] | undefined;
  /** Triton's binary_data_output: every output as binary unless it says otherwise. */
  readonly binaryOutput: boolean;
}

export interface DecodeOptions {
  /** Accept NaN and ±Infinity in floating-point inputs (models that handle missing values). */
  readonly allowNonFinite: boolean;
}

const bad = (field: string, message: string): KeelError => new KeelError('INVALID_ARGUMENT', message, { field });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const namesBySignature = new WeakMap<ModelSignature, Set<string>>();
function inputNames(signature: ModelSignature): Set<string> {
  let names = namesBySignature.get(signature);
  if (!names) namesBySignature.set(signature, (names = new Set(signature.inputs.map((s) => s.name))));
  return names;
}

/**
 * Validates an Open Inference Protocol request body against a signature and builds its tensors.
 * `binary` is the part after the JSON header when Triton's binary extension is used.
 */
export function decodeInferRequest(body: unknown, binary: Buffer | undefined, signature: ModelSignature, options: DecodeOptions): InferRequest {
  if (!isObject(body)) throw bad('body', 'the request body must be a JSON object');
  const id = body.id;
  if (id !== undefined && typeof id !== 'string') throw bad('id', "'id' must be a string");
  const rawInputs = body.inputs;
  if (!Array.isArray(rawInputs)) throw bad('inputs', "'inputs' must be an array");
  const params = body.parameters;
  if (params !== undefined && !isObject(params)) throw bad('parameters', "'parameters' must be an object");

  const cursor = { offset: 0 };
  const { inputs, rows } = decodeInputs(rawInputs, signature, binary, cursor, options);
  if (binary && cursor.offset !== binary.length) {
    throw bad('binary_data', `the binary data holds ${binary.length} bytes but the inputs' binary_data_size add up to ${cursor.offset}`);
  }
  return { id, inputs, rows: rows === -1 ? 1 : rows, outputs: decodeOutputs(body.outputs, signature, params), binaryOutput: params?.binary_data_output === true };
}

function decodeInputs(rawInputs: unknown[], signature: ModelSignature, binary: Buffer | undefined, cursor: { offset: number }, options: DecodeOptions): { inputs: Tensor[]; rows: number } {
  const specs = signature.inputs;
  // Inputs sent in signature order (always so for a one-input model, the common case) need no
  // name map: they are then all known, none twice and none missing.
  const byName = inSignatureOrder(rawInputs, specs) ? undefined : inputsByName(rawInputs, signature);
  const inputs: Tensor[] = [];
  let rows = -1;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const raw = byName ? byName.get(spec.name) : (rawInputs[i] as Json);
    if (!raw) throw bad(spec.name, `missing input '${spec.name}'`);
    const t = decodeInput(raw, spec, binary, cursor, options);
    if (spec.shape.length > 0 && spec.shape[0] === -1) {
      if (rows === -1) rows = t.shape[0]!;
      else if (t.shape[0] !== rows) throw bad(spec.name, `input '${spec.name}' has ${t.shape[0]} rows but other inputs have ${rows}`);
    }
    inputs.push(t);
  }
  return { inputs, rows };
}

function inSignatureOrder(rawInputs: unknown[], specs: readonly TensorSpec[]): boolean {
  if (rawInputs.length !== specs.length) return false;
  for (let i = 0; i < specs.length; i++) {
    const raw = rawInputs[i];
    if (!isObject(raw) || raw.name !== specs[i]!.name) return false;
  }
  return true;
}

function inputsByName(rawInputs: unknown[], signature: ModelSignature): Map<string, Json> {
  const byName = new Map<string, Json>();
  for (let i = 0; i < rawInputs.length; i++) {
    const raw: unknown = rawInputs[i];
    if (!isObject(raw) || typeof raw.name !== 'string') throw bad(`inputs[${i}]`, `inputs[${i}] must be an object with a string 'name'`);
    if (byName.has(raw.name)) throw bad(raw.name, `input '${raw.name}' is given twice`);
    byName.set(raw.name, raw);
  }
  const known = inputNames(signature);
  for (const name of byName.keys()) {
    if (!known.has(name)) {
      throw bad(name, `unexpected input '${name}'; the model's inputs are ${signature.inputs.map((s) => `'${s.name}'`).join(', ')}`);
    }
  }
  return byName;
}

function decodeOutputs(raw: unknown, signature: ModelSignature, params: Json | undefined): InferRequest['outputs'] {
  if (raw === undefined) return undefined;
  const binaryOutput = params?.binary_data_output === true;
  if (!Array.isArray(raw)) throw bad('outputs', "'outputs' must be an array");
  return raw.map((o: unknown, i) => {
    if (!isObject(o) || typeof o.name !== 'string') throw bad(`outputs[${i}]`, `outputs[${i}] must be an object with a string 'name'`);
    if (!signature.outputs.some((s) => s.name === o.name)) throw bad(o.name, `unknown output '${o.name}'; the model's outputs are ${signature.outputs.map((s) => `'${s.name}'`).join(', ')}`);
    const p = o.parameters;
    const flag = isObject(p) && typeof p.binary_data === 'boolean' ? p.binary_data : binaryOutput;
    return { name: o.name, binary: flag };
  });
}

function decodeInput(raw: Json, spec: TensorSpec, binary: Buffer | undefined, cursor: { offset: number }, options: DecodeOptions): Tensor {
  const name = spec.name;
  const datatype = raw.datatype;
  if (!isDatatype(datatype)) throw bad(name, `input '${name}': unknown datatype ${JSON.stringify(datatype)}`);
  if (datatype !== spec.datatype) throw bad(name, `input '${name}': expected datatype ${spec.datatype}, got ${datatype}`);
  const shape = raw.shape;
  if (!isDims(shape)) throw bad(name, `input '${name}': 'shape' must be an array of non-negative integers`);
  const dims = shape;
  if (!fitsSpec(dims, spec.shape)) {
    throw bad(name, `input '${name}': shape [${dims.join(',')}] does not match the model's [${spec.shape.join(',')}] (-1 is any size)`);
  }
  const n = elementCount(dims);
  const p = raw.parameters;
  const binarySize = isObject(p) ? p.binary_data_size : undefined;
  let data: TensorData;
  if (binarySize !== undefined) {
    if (!binary) throw bad(name, `input '${name}': binary_data_size is set but the request has no binary data (Inference-Header-Content-Length)`);
    if (!Number.isInteger(binarySize) || (binarySize as number) < 0 || cursor.offset + (binarySize as number) > binary.length) {
      throw bad(name, `input '${name}': binary_data_size ${String(binarySize)} does not fit the ${binary.length - cursor.offset} binary bytes left`);
    }
    const bytes = binary.subarray(cursor.offset, cursor.offset + (binarySize as number));
    cursor.offset += binarySize as number;
    data = datatype === 'BYTES' ? decodeBinaryStrings(bytes, name) : viewBinary(datatype, bytes, name);
    if (data.length !== n) throw bad(name, `input '${name}': shape [${dims.join(',')}] needs ${n} elements, the binary data holds ${data.length}`);
  } else {
    if (!Array.isArray(raw.data)) throw bad(name, `input '${name}': 'data' must be an array`);
    data = fillFromJson(raw.data, datatype, n, name, options);
  }
  if (!options.allowNonFinite && (datatype === 'FP32' || datatype === 'FP64')) {
    const f = data as Float32Array;
    for (let i = 0; i < f.length; i++) if (!Number.isFinite(f[i]!)) throw bad(name, `input '${name}': element ${i} is ${f[i]}; this model does not accept NaN or Infinity`);
  }
  return { name, datatype, shape: dims, data };
}

function isDims(shape: unknown): shape is number[] {
  if (!Array.isArray(shape)) return false;
  for (let i = 0; i < shape.length; i++) if (!Number.isInteger(shape[i]) || shape[i] < 0) return false;
  return true;
}

function fitsSpec(dims: readonly number[], spec: readonly number[]): boolean {
  if (dims.length !== spec.length) return false;
  for (let i = 0; i < dims.length; i++) if (spec[i] !== -1 && spec[i] !== dims[i]) return false;
  return true;
}

function viewBinary(datatype: Exclude<Datatype, 'BYTES'>, bytes: Buffer, name: string): TensorData {
  try {
    return viewBytes(datatype, bytes);
  } catch (e) {
    throw bad(name, `input '${name}': ${(e as Error).message}`);
  }
}

/** BYTES elements in Triton's binary form: each a 4-byte little-endian length, then the bytes. */
function decodeBinaryStrings(bytes: Buffer, name: string): string[] {
  const out: string[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 4 > bytes.length) throw bad(name, `input '${name}': truncated BYTES element length`);
    const len = bytes.readUInt32LE(off);
    off += 4;
    if (off + len > bytes.length) throw bad(name, `input '${name}': BYTES element runs past the binary data`);
    out.push(bytes.toString('utf8', off, off + len));
    off += len;
  }
  return out;
}

/** Fills a typed array from flat or nested JSON `data`, checking every value's type. */
function fillFromJson(data: unknown[], datatype: Datatype, n: number, name: string, options: DecodeOptions): TensorData {
  const out = allocateSmall(datatype, n);
  const k = fillInto(out, data, 0, datatype, n, name, options);
  if (k !== n) throw bad(name, `input '${name}': shape needs ${n} elements, 'data' holds ${k}`);
  return out;
}

// No closures on this path: tsx/esbuild wrap every function expression (keepNames), which costs
// a call per request.
function fillInto(out: TensorData, arr: unknown[], k: number, datatype: Datatype, n: number, name: string, options: DecodeOptions): number {
  const float = datatype === 'FP32' || datatype === 'FP64';
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (Array.isArray(v)) {
      k = fillInto(out, v, k, datatype, n, name, options);
      continue;
    }
    if (k >= n) throw bad(name, `input '${name}': 'data' holds more than the ${n} elements its shape needs`);
    if (float && typeof v === 'number') (out as Float32Array)[k] = v;
    else out[k] = convert(v, datatype, name, k, options) as never;
    k++;
  }
  return k;
}

function notValid(v: unknown, datatype: Datatype, name: string, i: number): KeelError {
  return bad(name, `input '${name}': element ${i} (${JSON.stringify(v)}) is not a valid ${datatype} value`);
}

function convert(v: unknown, datatype: Datatype, name: string, i: number, options: DecodeOptions): number | bigint | string {
  switch (datatype) {
    case 'FP32':
    case 'FP64':
      if (typeof v === 'number') return v;
      // JSON has no NaN: a model that accepts missing values takes null for one.
      if (v === null && options.allowNonFinite) return NaN;
      throw notValid(v, datatype, name, i);
    case 'FP16':
      if (typeof v === 'number') return toHalf(v);
      throw notValid(v, datatype, name, i);
    case 'BOOL':
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (v === 0 || v === 1) return v;
      throw notValid(v, datatype, name, i);
    case 'INT64':
    case 'UINT64':
      // Large int64 values may arrive as strings, as MLflow and protobuf JSON write them.
      if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) {
        const b = BigInt(v);
        if (datatype === 'UINT64' ? b < 0n || b >= 1n << 64n : b < -(1n << 63n) || b >= 1n << 63n) throw notValid(v, datatype, name, i);
        return b;
      }
      throw notValid(v, datatype, name, i);
    case 'BYTES':
      if (typeof v === 'string') return v;
      throw notValid(v, datatype, name, i);
    default: {
      const range = INT_RANGE[datatype]!;
      if (typeof v === 'number' && Number.isInteger(v) && v >= range[0] && v <= range[1]) return v;
      throw notValid(v, datatype, name, i);
    }
  }
}
