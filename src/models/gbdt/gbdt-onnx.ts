import { KeelError } from '../../core/index.js';
import type { GbdtModelData } from './gbdt-model-data.js';

export function exportGbdtOnnx(_data: GbdtModelData): Uint8Array {
  throw new KeelError('FAILED_PRECONDITION', 'gbdt ONNX export is not built yet');
}
