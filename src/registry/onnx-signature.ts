import { KeelError, invalidArgument } from '../core/index.js';
import { readSignature } from '../onnx/index.js';
import type { ModelSignature } from './types.js';

/**
 * Reads input and output names, element types and shapes of an ONNX model (by decoding its
 * protobuf, without loading a runtime session). Bytes that are not an ONNX model are an
 * INVALID_ARGUMENT on `field`.
 */
export async function readOnnxSignature(bytes: Uint8Array, field = 'source'): Promise<ModelSignature> {
  try {
    return readSignature(bytes);
  } catch (e) {
    if (e instanceof KeelError && e.code === 'INVALID_ARGUMENT') throw invalidArgument(field, e.message.replace(/^onnx: /, ''), e);
    throw e;
  }
}
