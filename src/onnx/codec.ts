/** ONNX ModelProto bytes <-> plain objects (onnx/types.ts), through protobufjs. */
import { KeelError } from '../core/index.js';
import { modelProtoType } from './onnx-schema.js';
import type { OnnxModel } from './types.js';

export function encodeModel(model: OnnxModel): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem) throw new KeelError('INVALID_ARGUMENT', `onnx model: ${problem}`, { field: 'model' });
  return type.encode(type.fromObject(model)).finish();
}

/**
 * Decodes ModelProto bytes. int64 fields come back as JS numbers (ONNX counts and ids stay far
 * below 2^53); bytes fields stay Uint8Array. Any protobuf error, or bytes that decode but lack
 * the two fields every model must have (ir_version and a graph), is INVALID_ARGUMENT.
 */
export function decodeModel(bytes: Uint8Array, field = 'onnx', what?: string): OnnxModel {
  // `what` names the bytes for the user (a file's path); the field alone says 'onnx: not ...'.
  const notOnnx = `${field}: ${what !== undefined ? `${what} is ` : ''}not an ONNX model`;
  const type = modelProtoType();
  let decoded: unknown;
  try {
    decoded = type.toObject(type.decode(bytes), { longs: Number, arrays: true });
  } catch (e) {
    throw new KeelError('INVALID_ARGUMENT', `${notOnnx} (${(e as Error).message})`, { field, cause: e });
  }
  const model = decoded as OnnxModel;
  if (!model.irVersion || !model.graph) {
    throw new KeelError('INVALID_ARGUMENT', `${notOnnx} (no ir_version or graph)`, { field });
  }
  return model;
}
