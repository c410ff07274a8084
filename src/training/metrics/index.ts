export * from './classification.js';
export * from './regression.js';
export * from './ranking.js';
export { evaluatePredictions, primaryMetric } from './evaluate.js';
export type { Evaluation } from './evaluate.js';
