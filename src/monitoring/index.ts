export type { PredictionLogger, PredictionRecord } from './prediction-log.js';
