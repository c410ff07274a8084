import type { PredictionRecord } from './prediction-log.js';

/** A prediction record for tests and examples, with defaults for what a test does not care about. */
export function makePrediction(over: Partial<PredictionRecord> & { requestId: string }): PredictionRecord {
  return {
    timestamp: 1_700_000_000_000,
    modelName: 'm',
    modelVersion: 1,
    deployment: 'd',
    variant: null,
    inputs: { x: 1 },
    outputs: { prediction: 0 },
    latencyMs: 1,
    ...over,
  };
}
