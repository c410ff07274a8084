import { invalidArgument } from './errors.js';

/**
 * A limit or count a caller passes to a service (`limit`, `max_results`): a whole number from 1 to
 * `max`, or `fallback` when left out. Checked in the service, so an SDK caller's NaN or 2.5 is an
 * INVALID_ARGUMENT naming the parameter rather than a database's "datatype mismatch".
 */
export function checkResultLimit(field: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidArgument(field, `expected a positive integer, got '${String(value)}'`);
  if (value > max) throw invalidArgument(field, `at most ${max}, got ${value}`);
  return value;
}
