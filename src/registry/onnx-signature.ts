import { InferenceSession } from 'onnxruntime-node';
import { invalidArgument } from '../core/index.js';
import type { ModelSignature, TensorSpec } from './types.js';

/**
 * Reads input and output names, element types and shapes of an ONNX model. Bytes that are not a
 * loadable ONNX model are an INVALID_ARGUMENT on `field`.
 */
export async function readOnnxSignature(bytes: Uint8Array, field = 'source'): Promise<ModelSignature> {
  let session: InferenceSession;
  try {
    // No graph optimisation and one thread: only the metadata is wanted.
    session = await InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw invalidArgument(field, `not a valid ONNX model: ${(e as Error).message.split('\n')[0]}`, e);
  }
  try {
    const spec = (m: InferenceSession.ValueMetadata): TensorSpec =>
      m.isTensor ? { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) } : { name: m.name, type: 'unknown', shape: [] };
    return { inputs: session.inputMetadata.map(spec), outputs: session.outputMetadata.map(spec) };
  } finally {
    await session.release();
  }
}
