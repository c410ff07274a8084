export { computeReference, REFERENCE_FORMAT, SMALL_REFERENCE_MAX, isCategoricalType } from './reference-stats.js';
export type { ReferenceStats, ColumnReference, NumericReference, CategoricalReference, ComputeReferenceOptions } from './reference-stats.js';
export { detectDrift, skew, DRIFT_TESTS, DEFAULT_THRESHOLDS, P_VALUE_TESTS } from './drift.js';
export type { DriftTest, DriftOptions, DriftReport, ColumnDrift, Distribution } from './drift.js';
