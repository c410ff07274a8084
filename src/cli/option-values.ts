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

/**
 * `--limit`, the count flag's one name across commands, or the older name a command had for it
 * (kept working as an alias). Both at once is ambiguous, so it is refused rather than one winning.
 */
export function limitFlag(limit: string | undefined, alias: readonly [flag: string, text: string | undefined], fallback: number): number {
  const [aliasFlag, aliasText] = alias;
  if (limit !== undefined && aliasText !== undefined) throw invalidArgument(aliasFlag, 'is an alias of --limit: give one of them');
  if (aliasText !== undefined) return positiveInt(aliasFlag, aliasText);
  return limit === undefined ? fallback : positiveInt('--limit', limit);
}

/** A flag's value in seconds, above 0 (fractions allowed), or an error naming the flag. */
export function positiveSeconds(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalidArgument(flag, `expected a positive number of seconds, got '${text}'`);
  return n;
}
