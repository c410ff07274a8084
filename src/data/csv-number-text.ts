/**
 * Which text in a CSV is a number, as pandas' parser reads one. DuckDB's DOUBLE cast reads more:
 * digits with `_` between them (`1_000`), a sign before a sign (`+-5`), NaN in any case or sign
 * (`NAN`, `+nan`, `nan(1)`), an infinity with spaces around it (` inf`), and a number beyond the
 * DOUBLE range (`1e500`) as an infinity; its BIGINT cast (and so its sniffer) reads hex and binary
 * (`0x1F`, `0b101`). pandas keeps each of those as text; it reads `inf` and `infinity` (any case,
 * a sign before them) as infinities, and its NA spellings as missing (csv-columns.ts).
 */
import { quoteString } from './duckdb-sql.js';

/** How a CSV writes its numbers: a decimal comma, a thousands separator (read-options.ts). */
export interface NumberFormat {
  readonly decimal?: ',';
  readonly thousands?: string;
}

/** The infinities pandas reads, matched without case and exactly (not ` inf`). */
const INFINITIES = ['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity'];

/** A number's text `x` as DuckDB's DOUBLE cast reads it: thousands separators dropped, a decimal comma made a point. */
export function plainNumber(x: string, { decimal, thousands }: NumberFormat): string {
  const bare = thousands === undefined ? x : `replace(${x}, ${quoteString(thousands)}, '')`;
  return decimal === ',' ? `replace(${bare}, ',', '.')` : bare;
}

/** A number's text as DuckDB's DOUBLE cast reads it, trimmed (plainNumber). */
export const numberText = (x: string, numbers: NumberFormat): string => plainNumber(`trim(${x})`, numbers);

/** `x IN (pandas' infinities)` in SQL, without case. */
export const isInfinitySql = (x: string): string => `lower(${x}) IN (${INFINITIES.map(quoteString).join(', ')})`;

/**
 * SQL: is the text `x` a number as pandas reads it (NULL for NULL)? DuckDB's cast, less what it
 * reads beyond pandas: one cast and substring tests, no regular expression (it may run on every
 * value of a column). With a decimal comma, pandas reads `1.5` as text.
 */
export function pandasNumberSql(x: string, numbers: NumberFormat): string {
  const p = plainNumber(x, numbers);
  const point = numbers.decimal === ',' && numbers.thousands !== '.' ? ` AND NOT contains(${x}, '.')` : '';
  return `(CASE WHEN isfinite(TRY_CAST(${p} AS DOUBLE)) THEN NOT contains(${p}, '_') AND NOT contains(${p}, '+-')${point}${zeroBeyondRangeSql(p)} ELSE ${isInfinitySql(x)} END)`;
}

/**
 * pandas' parser (precise_xstrtod) keeps a number's text when its exponent, less the digits after
 * the point among its first 17 and plus those before it past 17, passes 308, a zero too: `0e309`,
 * `0.0e999` are text, `0.0e309` is 0.0. (Any other such number is beyond the DOUBLE range already.)
 */
const MAX_DIGITS = 17;
const MAX_EXPONENT = 308;

/** SQL: ` AND NOT` (the zero number's text `p` passes pandas' exponent bound: zeroBeyondRange). */
function zeroBeyondRangeSql(p: string): string {
  const m = `split_part(lower(trim(${p})), 'e', 1)`, e = `split_part(lower(trim(${p})), 'e', 2)`;
  const whole = `length(split_part(ltrim(${m}, '+-'), '.', 1))`, fraction = `length(split_part(${m}, '.', 2))`;
  const exponent = `TRY_CAST(${e} AS DOUBLE) + greatest(0, ${whole} - ${MAX_DIGITS}) - greatest(0, least(${fraction}, ${MAX_DIGITS} - ${whole}))`;
  return ` AND NOT (TRY_CAST(${p} AS DOUBLE) = 0 AND contains(lower(${p}), 'e') AND ${exponent} > ${MAX_EXPONENT})`;
}

/** Does the number's text `t` (pandas' number) pass pandas' exponent bound (MAX_EXPONENT)? */
function beyondRange(t: string): boolean {
  const [, whole = '', fraction = '', e] = /^\s*[+-]?([0-9]*)(?:[.]([0-9]*))?[eE]([+-]?[0-9]+)\s*$/.exec(t) ?? [];
  if (e === undefined) return false;
  return Number(e) + Math.max(0, whole.length - MAX_DIGITS) - Math.max(0, Math.min(fraction.length, MAX_DIGITS - whole.length)) > MAX_EXPONENT;
}

/** pandas' number: a sign, digits with a point among or after them or a point and digits, an exponent; spaces around it. */
const PANDAS_NUMBER = /^[ \t\n\v\f\r]*[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?[ \t\n\v\f\r]*$/;
const PANDAS_INFINITY = /^[+-]?inf(inity)?$/i;

/** Is the text `v` a number as pandas reads it (pandasNumberSql, in JS)? */
export function isPandasNumber(v: string, { decimal, thousands }: NumberFormat): boolean {
  if (PANDAS_INFINITY.test(v)) return true;
  const bare = thousands === undefined ? v : v.replaceAll(thousands, '');
  if (decimal === ',' && bare.includes('.')) return false;
  const t = decimal === ',' ? bare.replace(',', '.') : bare;
  return PANDAS_NUMBER.test(t) && Number.isFinite(Number(t)) && !beyondRange(t);
}

/**
 * A number written with leading zeros (`007`, `+007`, `00.5`; SQL regular expression, of the
 * trimmed text): DuckDB's sniffer keeps such a column as text (zip codes, codes), and Keel does,
 * whatever missing values stand beside them. A minus before them (`-007`) makes a number, as the
 * sniffer reads it.
 */
export const LEADING_ZEROS = '[+]?0[0-9].*';
