import { invalidArgument } from '../core/index.js';

/** A flag's value as an integer of at least `min`, or an error naming the flag. */
export function positiveInt(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw invalidArgument(flag, `expected an integer >= ${min}, got '${text}'`);
  return n;
}
