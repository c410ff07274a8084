export { MAX_MODELS_PAGE, MAX_VERSIONS_PAGE, RegistryService } from './registry-service.js';
export { readOnnxSignature } from './onnx-signature.js';
export { parseSearchFilter } from './search-filter.js';
export type { FilterClause, FilterOp } from './search-filter.js';
export { STAGES, ALLOW_MISSING_TAG, FEATURES_TAG } from './types.js';
export type {
  CreateModelVersionFromUriInput, CreateModelVersionInput, HistoryEntry, ModelLineage, ModelSignature, ModelStage, ModelVersion,
  ModelVersionSource, Page, RegisteredModel, RegistryServiceDeps, RunArtifactResolver, SearchOptions, TensorSpec,
} from './types.js';
