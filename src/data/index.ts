export { DatasetService } from './dataset-service.js';
export type { DatasetServiceDeps } from './dataset-service.js';
export type { ColumnProfile, ColumnStats, DatasetSummary, DatasetVersion } from './types.js';
