export { computeReference, REFERENCE_FORMAT, SMALL_REFERENCE_MAX, isCategoricalType } from './reference-stats.js';
export type { ReferenceStats, ColumnReference, NumericReference, CategoricalReference, ComputeReferenceOptions } from './reference-stats.js';
export { detectDrift, skew, DRIFT_TESTS, DEFAULT_THRESHOLDS, P_VALUE_TESTS } from './drift.js';
export type { DriftTest, DriftOptions, DriftReport, ColumnDrift, Distribution } from './drift.js';
export { inferSchema, parseSchema, SCHEMA_FORMAT, ANOMALY_KINDS, DEFAULT_SEVERITY } from './schema.js';
export type { Schema, ColumnSchema, AnomalyKind, Severity, InferSchemaOptions } from './schema.js';
export { validateTable } from './validate-table.js';
export type { Anomaly, AnomalyReport } from './validate-table.js';
