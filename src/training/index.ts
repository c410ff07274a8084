export { train, resumeTraining, TRAIN_REQUEST_TAG, MODEL_ARTIFACT, MODEL_CARD_ARTIFACT, SERIALIZED_ARTIFACT } from './trainer.js';
export { trainingDeps } from './training-deps.js';
export { normalizeRequest, DEFAULT_EXPERIMENT, DEFAULT_SEED } from './train-request.js';
export { splitRows } from './split.js';
export type { SplitIndices, SplitInput } from './split.js';
export * from './metrics/index.js';
export { SPLIT_KINDS } from './types.js';
export type {
  DatasetColumnInfo, DatasetsPort, ParamValue, RegistryPort, SplitKind, SplitSpec, SplitSummary, TrackingPort, TrackingRun, TrainingDeps,
  TrainOptions, TrainRequest, TrainResult,
} from './types.js';
export { gitCommit } from './code-version.js';
