import { invalidArgument } from '../core/index.js';

/**
 * The SDK's checks of its callers' arguments. TypeScript callers are checked by the compiler; plain
 * JavaScript ones are not, and a missing argument there was a TypeError from deep inside a call
 * (`Cannot read properties of undefined`) or a request the server blamed on something else. Every
 * public call checks its arguments with these before it sends anything: a wrong one is an
 * INVALID_ARGUMENT naming it (`field`), as every other Keel error names what it is about.
 */
const KINDS = {
  /** A name, reference or id: a string with something in it. */
  name: { what: 'a non-empty string', ok: isName },
  /** A local file's path (or a folder's, or a glob). */
  path: { what: 'a file path (a non-empty string)', ok: isName },
  /** A value that may be empty (a param's or tag's value). */
  string: { what: 'a string', ok: (v: unknown) => typeof v === 'string' },
  /** Any number, NaN and the infinities included (a metric's value). */
  number: { what: 'a number', ok: (v: unknown) => typeof v === 'number' },
  integer: { what: 'a whole number', ok: (v: unknown) => Number.isSafeInteger(v) },
  boolean: { what: 'true or false', ok: (v: unknown) => typeof v === 'boolean' },
  /** An options object, a definition, a map of params or metrics. */
  object: { what: 'an object', ok: (v: unknown) => isObject(v) },
  /** An object, or an array of them (one feedback label or several). */
  objects: { what: 'an object or an array of objects', ok: (v: unknown) => isObject(v) || (Array.isArray(v) && v.every(isObject)) },
  names: { what: 'an array of non-empty strings', ok: (v: unknown) => Array.isArray(v) && v.every((n) => isName(n)) },
  /** A list of values that may be empty (a CSV's missing-value spellings). */
  strings: { what: 'an array of strings', ok: (v: unknown) => Array.isArray(v) && v.every((n) => typeof n === 'string') },
  integers: { what: 'an array of whole numbers', ok: (v: unknown) => Array.isArray(v) && v.every((n) => Number.isSafeInteger(n)) },
  /** A map of strings (tags, column types). */
  stringMap: { what: 'an object of strings', ok: (v: unknown) => isObject(v) && Object.values(v as object).every((n) => typeof n === 'string') },
  /** A map of numbers (metrics, per-column thresholds). */
  numberMap: { what: 'an object of numbers', ok: (v: unknown) => isObject(v) && Object.values(v as object).every((n) => typeof n === 'number') },
  signal: { what: 'an AbortSignal', ok: (v: unknown) => v instanceof AbortSignal },
  bytes: { what: 'a Uint8Array (a Buffer, or readFileSync\'s answer)', ok: (v: unknown) => v instanceof Uint8Array },
  /** Where a download goes: a file path, or a stream that is written to. */
  destination: { what: 'a file path or a writable stream', ok: (v: unknown) => isName(v) || (isObject(v) && typeof (v as { write?: unknown }).write === 'function') },
  function: { what: 'a function', ok: (v: unknown) => typeof v === 'function' },
  /** Any value at all (a feedback label: a class, a number, an object). */
  any: { what: 'any value', ok: () => true },
} as const;

export type ArgumentKind = keyof typeof KINDS;

function isName(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a wrong value is told back: its type and, when short, the value itself. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length <= 40 ? `'${v}'` : 'a string';
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** `value` must be of `kind`; missing (undefined) or anything else is an INVALID_ARGUMENT naming `field`. */
export function required(field: string, value: unknown, kind: ArgumentKind): void {
  if (value === undefined) throw invalidArgument(field, `required: expected ${KINDS[kind].what}`);
  if (!KINDS[kind].ok(value)) throw invalidArgument(field, `expected ${KINDS[kind].what}, got ${describe(value)}`);
}

/** `value` may be left out (undefined); given, it must be of `kind`. */
export function optional(field: string, value: unknown, kind: ArgumentKind): void {
  if (value !== undefined) required(field, value, kind);
}

/**
 * What an option may be: a kind, any of several kinds (`['string', 'stringMap']`), one of some
 * strings (`{ oneOf: [...] }`), an object whose own options are a table (`{ fields }`), or an array
 * of such objects (`{ items }`).
 */
export type OptionKind = ArgumentKind | readonly ArgumentKind[] | { readonly oneOf: readonly string[] } | { readonly fields: OptionTable } | { readonly items: OptionTable };

/**
 * A call's options, each with its kind. Typed `OptionTable<keyof TheOptions>`, a table must list
 * every key of the call's options type and no other, so the compiler keeps the two in step.
 */
export type OptionTable<K extends PropertyKey = string> = { readonly [key in K]: OptionKind };

/**
 * An options object as the server checks a body (strict, unknown fields refused): `value` must be
 * an object, each of its keys one of `table`'s, each value
 * (unless undefined, a left-out option) of its kind. Else an INVALID_ARGUMENT naming the option
 * (`maxResult: no such option`, `delimiter: expected a string, got number 5`), nested ones by
 * their path (`labelCursor.ts`, `labels[2].timestamp`), before anything is sent: unchecked, a
 * misspelt key was dropped without a word, and a wrong value went out as a bad query string.
 */
export function checkOptions(field: string, value: unknown, table: OptionTable): void {
  required(field, value, 'object');
  checkFields(value as Record<string, unknown>, table, '');
}

function checkFields(value: Readonly<Record<string, unknown>>, table: OptionTable, prefix: string): void {
  for (const [key, v] of Object.entries(value)) {
    const field = `${prefix}${key}`;
    if (!Object.hasOwn(table, key)) throw invalidArgument(field, `no such option (known: ${Object.keys(table).join(', ')})`);
    if (v !== undefined) checkOption(field, v, table[key]!);
  }
}

/** One value of `kind` (an option's), named `field`; undefined is a value here. */
export function checkOption(field: string, v: unknown, kind: OptionKind): void {
  if (typeof kind === 'string') return required(field, v, kind as ArgumentKind);
  if (isKindList(kind)) {
    if (!kind.some((k) => KINDS[k].ok(v))) throw invalidArgument(field, `expected ${kind.map((k) => KINDS[k].what).join(' or ')}, got ${describe(v)}`);
  } else if ('oneOf' in kind) {
    if (!kind.oneOf.includes(v as string)) throw invalidArgument(field, `expected one of ${kind.oneOf.map((o) => `'${o}'`).join(', ')}, got ${describe(v)}`);
  } else if ('fields' in kind) {
    required(field, v, 'object');
    checkFields(v as Record<string, unknown>, kind.fields, `${field}.`);
  } else {
    if (!Array.isArray(v)) throw invalidArgument(field, `expected an array of objects, got ${describe(v)}`);
    v.forEach((item, i) => {
      required(`${field}[${i}]`, item, 'object');
      checkFields(item as Record<string, unknown>, kind.items, `${field}[${i}].`);
    });
  }
}

function isKindList(kind: OptionKind): kind is readonly ArgumentKind[] {
  return Array.isArray(kind);
}
