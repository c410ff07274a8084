import { invalidArgument, KeelError } from '../core/index.js';

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

/**
 * Runs `work` with its errors naming the flag the user typed: a KeelError whose field is a key of
 * `flags` (a library's `key`, a server's `ref`) comes out naming that flag (`--key`), in `field`
 * and in its message, its code kept. A key `parent.*` maps every field nested in `parent` to its
 * flag, `*` in the flag standing for the rest (`params.*` → `--param *` names `params.max_depth`
 * `--param max_depth`). The flags of a command that calls a library or a server whose fields are
 * named otherwise (`keel predict`, `keel train`, `keel data add`); their names stay the API's.
 */
export async function asFlags<T>(flags: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const field = e instanceof KeelError ? e.field : undefined;
    const flag = field === undefined ? undefined : flagOf(flags, field);
    if (flag === undefined) throw e;
    const { code, message, details } = e as KeelError;
    const words = message.startsWith(`${field}: `) ? message.slice(field!.length + 2) : message;
    throw new KeelError(code, `${flag}: ${words}`, { field: flag, cause: e, ...(details ? { details } : {}) });
  }
}

/** The flag `flags` maps `field` to, exactly or as nested in a `parent.*` key; undefined if none. */
function flagOf(flags: Readonly<Record<string, string>>, field: string): string | undefined {
  if (Object.hasOwn(flags, field)) return flags[field];
  const dot = field.indexOf('.');
  const nested = dot > 0 ? `${field.slice(0, dot)}.*` : undefined;
  return nested !== undefined && Object.hasOwn(flags, nested) ? flags[nested]!.replace('*', () => field.slice(dot + 1)) : undefined;
}
