import { invalidArgument } from '../core/index.js';

/**
 * A flag's value as an integer of at least `min`, or an error naming the flag. Blank text is
 * refused, not read as 0 (Number('') is 0): `--port $PORT` with PORT unset must not mean "any port".
 */
export function positiveInt(flag: string, text: string, min = 1): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isInteger(n) || n < min) throw invalidArgument(flag, `expected an integer >= ${min}, got '${text}'`);
  return n;
}
