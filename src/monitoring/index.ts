export type { PredictionLogger, PredictionRecord } from './prediction-log.js';
export { BufferedPredictionLogger } from './buffered-prediction-logger.js';
export type { BufferedPredictionLoggerOptions } from './buffered-prediction-logger.js';
export { PredictionStore } from './prediction-store.js';
export type { LabelInput, LoggedPrediction, PredictionSink, StoredPrediction } from './prediction-store.js';
