/**
 * Experiment tracking: experiments, runs, params, metrics, tags and artifacts, with MLflow's
 * semantics. Runs are returned in MLflow's REST shape, `Run = { info, data }` with snake_case
 * fields (see types.ts), so the MLflow routes pass them through unchanged; metric values are
 * plain numbers (NaN and ±Infinity included), written as MLflow's strings only at the HTTP edge.
 */
export { TrackingService } from './tracking-service.js';
export type { TrackingServiceDeps } from './tracking-service.js';
export { LIMITS } from './limits.js';
export { RUN_NAME_TAG, USER_TAG, PARENT_RUN_TAG, GIT_COMMIT_TAG } from './runs.js';
export { parseFilter, parseOrderBy } from './filter/parse-filter.js';
export { RUN_FILTER_SCHEMA } from './filter/compile-run-filter.js';
export { normalizeArtifactPath } from './run-artifacts.js';
export type * from './types.js';
export { RUN_STATUSES } from './types.js';
export type { Comparison, FilterAst, OrderByClause, EntityType, Comparator } from './filter/filter-ast.js';
