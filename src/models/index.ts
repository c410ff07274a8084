export type { FitInput, FitOptions, IterationReport, ModelKind, ModelSignature, ParamSpec, Task, TensorSpec, TrainedModel } from './model-kind.js';
export { MODEL_KINDS, getModelKind } from './model-kinds.js';
export { gbdtKind, GbdtModel, GBDT_PARAMS, parseGbdtParams, type GbdtModelData, type GbdtParams } from './gbdt/index.js';
export { linearKind, OnlineLinearModel, exportLinearOnnx, LINEAR_PARAMS, type LinearModelOptions, type LinearModelState, type LinearOptimizer, type LinearParams, type LinearTask } from './linear/index.js';
