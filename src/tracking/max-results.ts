import { KeelError } from '../core/index.js';

/** `max_results` of the tracking searches, with MLflow's message when it is out of range. */
export function checkMaxResults(value: number | undefined, fallback: number, max: number, field = 'max_results'): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new KeelError('INVALID_ARGUMENT', `Invalid value ${value} for parameter '${field}' supplied: it must be a positive integer at most ${max}`, { field });
  }
  return value;
}
