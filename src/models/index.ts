export type { FitInput, FitOptions, IterationReport, ModelKind, ModelSignature, ParamSpec, Task, TensorSpec, TrainedModel } from './model-kind.js';
