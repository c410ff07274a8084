export { DatasetService, versionOf } from './dataset-service.js';
export type { DatasetServiceDeps, DatasetServiceHooks, AddDatasetOptions, DatasetVersionInfo } from './dataset-service.js';
export { parseDatasetRef, formatDatasetRef } from './dataset-ref.js';
export type { DatasetRef } from './dataset-ref.js';
export { diffVersions } from './dataset-diff.js';
export type { DatasetDiff, ColumnShift, SchemaChange, Shift } from './dataset-diff.js';
export { DATASET_FORMATS, isDatasetFormat } from './source-reader.js';
export type { DatasetFormat } from './source-reader.js';
export type { ColumnProfile, ColumnStats, DatasetSummary, DatasetVersion } from './types.js';
