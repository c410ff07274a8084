export { encodeModel, decodeModel } from './codec.js';
export {
  ATTRIBUTE_TYPE, DEFAULT_IR_VERSION, DEFAULT_OPSETS, attr, makeGraph, makeModel, makeNode, makeTensor, makeTensorValueInfo,
} from './builder.js';
export type { GraphSpec, ModelSpec } from './builder.js';
export { elementTypeCode, elementTypeName } from './element-types.js';
export type { ElementType } from './element-types.js';
export { inspectOnnx, modelSignature, readSignature, summarizeModel, tensorSpec } from './inspect.js';
export type { OnnxSummary } from './inspect.js';
export type {
  ModelSignature, OnnxAttribute, OnnxDimension, OnnxGraph, OnnxModel, OnnxNode, OnnxOpset, OnnxStringEntry, OnnxTensor,
  OnnxType, OnnxValueInfo, TensorSpec,
} from './types.js';
