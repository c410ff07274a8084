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
  /** An options object, a definition, a map of params or metrics. */
  object: { what: 'an object', ok: (v: unknown) => isObject(v) },
  /** An object, or an array of them (one feedback label or several). */
  objects: { what: 'an object or an array of objects', ok: (v: unknown) => isObject(v) || (Array.isArray(v) && v.every(isObject)) },
  names: { what: 'an array of non-empty strings', ok: (v: unknown) => Array.isArray(v) && v.every((n) => isName(n)) },
  bytes: { what: 'a Uint8Array (a Buffer, or readFileSync\'s answer)', ok: (v: unknown) => v instanceof Uint8Array },
  /** Where a download goes: a file path, or a stream that is written to. */
  destination: { what: 'a file path or a writable stream', ok: (v: unknown) => isName(v) || (isObject(v) && typeof (v as { write?: unknown }).write === 'function') },
  function: { what: 'a function', ok: (v: unknown) => typeof v === 'function' },
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
