/**
 * A small builder for ONNX graphs, in the spirit of onnx.helper: models, nodes, typed
 * attributes, value infos and tensors as plain objects that encodeModel() serializes.
 */
import { invalidArgument } from '../core/index.js';
import { elementTypeCode, type ElementType } from './element-types.js';
import type { OnnxAttribute, OnnxDimension, OnnxGraph, OnnxModel, OnnxNode, OnnxOpset, OnnxTensor, OnnxValueInfo } from './types.js';

/** AttributeProto.AttributeType. */
export const ATTRIBUTE_TYPE = {
  FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10,
} as const;

/** ONNX opset 17 goes with IR version 8 (onnx 1.12); onnxruntime reads every IR up to its own. */
export const DEFAULT_IR_VERSION = 8;
export const DEFAULT_OPSETS: readonly OnnxOpset[] = [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }];

const utf8 = new TextEncoder();

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers?: readonly OnnxTensor[];
  readonly docString?: string;
}

export interface ModelSpec {
  readonly graph: GraphSpec;
  readonly opsets?: readonly OnnxOpset[];
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly irVersion?: number;
  readonly docString?: string;
  /** Stored as metadata_props (string key/value pairs). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export function makeGraph(spec: GraphSpec): OnnxGraph {
  return {
    name: spec.name,
    node: spec.nodes,
    input: spec.inputs,
    output: spec.outputs,
    initializer: spec.initializers ?? [],
    ...(spec.docString ? { docString: spec.docString } : {}),
  };
}

export function makeModel(spec: ModelSpec): OnnxModel {
  return {
    irVersion: spec.irVersion ?? DEFAULT_IR_VERSION,
    opsetImport: spec.opsets ?? DEFAULT_OPSETS,
    producerName: spec.producerName ?? 'keel',
    ...(spec.producerVersion ? { producerVersion: spec.producerVersion } : {}),
    ...(spec.docString ? { docString: spec.docString } : {}),
    graph: makeGraph(spec.graph),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}

export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: readonly OnnxAttribute[] = [],
  domain = '',
  name?: string,
): OnnxNode {
  return { opType, input: inputs, output: outputs, attribute: attributes, ...(domain ? { domain } : {}), ...(name ? { name } : {}) };
}

/** Typed attribute constructors: attr.ints('nodes_featureids', [0, 2]), attr.string('post_transform', 'LOGISTIC'). */
export const attr = {
  float: (name: string, value: number): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.FLOAT, f: value }),
  int: (name: string, value: number): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.INT, i: checkInt(name, value) }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.STRING, s: utf8.encode(value) }),
  tensor: (name: string, value: OnnxTensor): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.TENSOR, t: value }),
  graph: (name: string, value: OnnxGraph): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.GRAPH, g: value }),
  floats: (name: string, values: ArrayLike<number>): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.FLOATS, floats: Array.from(values) }),
  ints: (name: string, values: ArrayLike<number>): OnnxAttribute => ({
    name, type: ATTRIBUTE_TYPE.INTS, ints: Array.from(values, (v) => checkInt(name, v)),
  }),
  strings: (name: string, values: readonly string[]): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.STRINGS, strings: values.map((v) => utf8.encode(v)) }),
  tensors: (name: string, values: readonly OnnxTensor[]): OnnxAttribute => ({ name, type: ATTRIBUTE_TYPE.TENSORS, tensors: values }),
};

function checkInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw invalidArgument(name, `expected an integer attribute value, got ${v}`);
  return v;
}

/**
 * A tensor input/output description. Shape entries: a number >= 0 is fixed, -1 an unknown
 * dimension, a string a named symbolic one ('N' for the batch).
 */
export function makeTensorValueInfo(name: string, elemType: ElementType, shape: readonly (number | string)[] | null): OnnxValueInfo {
  const tensorType = {
    elemType: elementTypeCode(elemType),
    ...(shape === null ? {} : { shape: { dim: shape.map(toDimension) } }),
  };
  return { name, type: { tensorType } };
}

function toDimension(d: number | string): OnnxDimension {
  if (typeof d === 'string') return { dimParam: d };
  if (d === -1) return {};
  if (!Number.isSafeInteger(d) || d < 0) throw invalidArgument('shape', `expected a dimension >= 0, -1 or a name, got ${d}`);
  return { dimValue: d };
}

/**
 * A constant tensor. Floats and doubles go into raw_data (compact, exact); integer types into the
 * typed fields; strings as UTF-8 bytes.
 */
export function makeTensor(name: string, elemType: ElementType, dims: readonly number[], values: ArrayLike<number> | readonly string[]): OnnxTensor {
  const dataType = elementTypeCode(elemType);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw invalidArgument(name, `tensor of shape [${dims.join(', ')}] needs ${expected} values, got ${values.length}`);
  const base = { name, dims, dataType };
  switch (dataType) {
    case 1:
      return { ...base, rawData: littleEndianBytes(new Float32Array(Array.from(values as ArrayLike<number>))) };
    case 11:
      return { ...base, rawData: littleEndianBytes(new Float64Array(Array.from(values as ArrayLike<number>))) };
    case 8:
      return { ...base, stringData: Array.from(values as readonly string[], (v) => utf8.encode(String(v))) };
    case 7:
      return { ...base, int64Data: Array.from(values as ArrayLike<number>, (v) => checkInt(name, v)) };
    case 12:
    case 13:
      return { ...base, uint64Data: Array.from(values as ArrayLike<number>, (v) => checkInt(name, v)) };
    case 2: case 3: case 4: case 5: case 6: case 9:
      return { ...base, int32Data: Array.from(values as ArrayLike<number>, (v) => checkInt(name, v)) };
    default:
      throw invalidArgument(name, `makeTensor does not write element type ${String(elemType)}`);
  }
}

function littleEndianBytes(a: Float32Array | Float64Array): Uint8Array {
  // Every platform Node runs on here is little-endian, which is what raw_data requires.
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
