export { OnlineLinearModel, LINEAR_FORMAT } from './online-linear-model.js';
export type { LinearModelOptions, LinearModelState, LinearOptimizer, LinearTask } from './online-linear-model.js';
export { exportLinearOnnx } from './linear-onnx.js';
export { linearKind, LINEAR_PARAMS } from './linear-kind.js';
export type { LinearParams } from './linear-kind.js';
