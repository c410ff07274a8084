/**
 * How a sniffed CSV column is read, and how it is widened when a value past the sniffed rows does
 * not fit: pandas types a column by all its values, DuckDB's sniffer by the first 20,480 rows. A
 * read that meets such a value fails; the column moves one step up and the read starts again
 * (rare, and each column can move at most four times).
 *
 * Integers are read as DOUBLE and stored as BIGINT after a check, because DuckDB's own cast of
 * the text `1.5` to BIGINT rounds it to 2, silently. The check sends a fraction to `float` (as
 * pandas makes such a column float64) and an integer beyond 2^53, which a DOUBLE cannot hold
 * exactly, to an exact read of the text.
 *
 * pandas reads `NA`, `N/A`, `null` and its other NA spellings as missing. A numeric column that
 * holds them (in the sniffed rows, which DuckDB then calls text, or later) is read as text and
 * converted, each spelling to a missing value; only such columns pay for that.
 *
 * A column empty in the sniffed rows (DuckDB calls it text) is read as text and checked. When a
 * value that is not text turns up (a number, a bool, a date), every column still empty gets its
 * type from all its values, in one pass over them (typeEmptyColumns): a number type, bool, an ISO
 * date or timestamp, else text, as pandas types a sparse column by the values it has.
 */
import { isFractionalType, isIntegerType, quoteIdent, quoteString } from './duckdb-sql.js';
import { LEADING_ZEROS, numberText, pandasNumberSql, plainNumber, type NumberFormat } from './csv-number-text.js';
import { otherOrderFor, type OtherOrders } from './csv-date-order.js';

/**
 * - `sniffed`: read and stored as DuckDB sniffed it (BOOLEAN, DATE, TIMESTAMP, TIME; BIGINT when the sniff saw every row, or a scan every value: firstRead);
 * - `whole`: an integer column, read as DOUBLE and stored as BIGINT when every value is whole and below 2^53;
 * - `whole-text`: an integer column with larger values or NA spellings, read as text, stored as BIGINT;
 * - `float`: read and stored as DOUBLE;
 * - `float-text`: a float column with NA spellings, read as text, stored as DOUBLE;
 * - `string`: read and stored as VARCHAR;
 * - `sniffed-text`: a BOOLEAN, DATE or TIMESTAMP column with NA spellings, read as text, stored as `sniffed` (a date in `format`);
 * - `empty`: no value in the sniffed rows: read and stored as VARCHAR until a value of another type turns up.
 */
export type CsvRead = 'sniffed' | 'sniffed-text' | 'whole' | 'whole-text' | 'float' | 'float-text' | 'string' | 'empty';

/** The sniffed types a column can keep through NA spellings: read as text, NA missing, the rest cast (`sniffed-text`). */
const TEXT_CASTABLE = /^(BOOLEAN|DATE|TIMESTAMP)$/;

/** pandas' default `na_values` (pandas._libs.parsers.STR_NA_VALUES), matched exactly as pandas does. */
export const NA_SPELLINGS = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'n/a', 'nan', 'null'];
/** `x IN (the NA spellings)` in SQL. */
export const isNaSql = (x: string): string => `${x} IN (${NA_SPELLINGS.map(quoteString).join(', ')})`;

export interface CsvColumn {
  readonly name: string;
  /** DuckDB's type for the column (for a column empty in the sniffed rows, its first value's). */
  readonly sniffed: string;
  readonly read: CsvRead;
  /**
   * A DATE or TIMESTAMP column's strptime format (DuckDB's sniffed DateFormat or TimestampFormat,
   * `%d/%m/%Y`), which its `sniffed-text` read converts by; none: ISO, DuckDB's cast.
   */
  readonly format?: string;
  /** A date column whose sampled values read in other orders of day, month and year too: those formats, tried when a later value fits only one. */
  readonly otherOrders?: OtherOrders;
}

/**
 * The first way to read a sniffed column. `plain`: a BIGINT column is known to hold only whole
 * numbers as pandas writes them, below 2^53, because the sniff and the look at the head in JS saw
 * every row of the file (sniffedEveryRow, the look reading the whole file: the sniffer types
 * `1.5`, `1.0` and `1e3` DOUBLE; the look makes text of `0x1F` or `1_000`, which DuckDB's BIGINT
 * reads, and reads exactly those beyond 2^53), or because a scan of the file found every value of
 * the column plain (csv-integer-scan.ts): read as BIGINT, without the check (costly on a wide file).
 */
export function firstRead(name: string, sniffed: string, plain = false): CsvColumn {
  const read: CsvRead = plain && sniffed === 'BIGINT' ? 'sniffed' : isIntegerType(sniffed) ? 'whole' : isFractionalType(sniffed) ? 'float' : sniffed === 'VARCHAR' ? 'string' : 'sniffed';
  return { name, sniffed, read };
}

/** Of each way to read but the `sniffed` ones: the type read_csv parses the column as, and the type it is stored as. */
const TYPES: Readonly<Record<Exclude<CsvRead, 'sniffed' | 'sniffed-text'>, readonly [read: string, stored: string]>> = {
  whole: ['DOUBLE', 'BIGINT'],
  'whole-text': ['VARCHAR', 'BIGINT'],
  float: ['DOUBLE', 'DOUBLE'],
  'float-text': ['VARCHAR', 'DOUBLE'],
  string: ['VARCHAR', 'VARCHAR'],
  empty: ['VARCHAR', 'VARCHAR'],
};

/** The type read_csv parses the column as. */
export const readType = (c: CsvColumn): string => (c.read === 'sniffed' ? c.sniffed : c.read === 'sniffed-text' ? 'VARCHAR' : TYPES[c.read][0]);

/** The type the column is stored as. */
export const storedType = (c: CsvColumn): string => (c.read === 'sniffed' || c.read === 'sniffed-text' ? c.sniffed : TYPES[c.read][1]);

/** What a value that did not fit says about its column (`keel-misfit:INDEX:KIND:VALUE`, which widen() reads): a fraction, an integer beyond 2^53, not a number, or a first value. */
export type Misfit = 'fraction' | 'big' | 'text' | 'first';
export const MISFIT_MARK = 'keel-misfit';

/** The SQL that turns the read value into the stored one, failing with a mark that widen() reads; undefined when the read value is stored as is. */
export function checkExpr(c: CsvColumn, index: number, numbers: NumberFormat): string | undefined {
  const x = quoteIdent(c.name);
  const misfit = (kind: Misfit) => `error(${quoteString(`${MISFIT_MARK}:${index}:${kind}:`)} || ${x}::VARCHAR)`;
  if (c.read === 'whole') {
    return `CASE WHEN ${x} IS NULL THEN NULL WHEN NOT isfinite(${x}) OR ${x} <> trunc(${x}) THEN ${misfit('fraction')} WHEN abs(${x}) < 9007199254740992 THEN ${x}::BIGINT ELSE ${misfit('big')} END`;
  }
  if (c.read === 'empty') {
    // Only a value of another type than text stops the read: a sparse column of text (notes,
    // comments) is read to its end as text, as it was sniffed.
    const typed = `${pandasNumberSql(x, numbers)} OR lower(trim(${x})) IN ('true', 'false') OR TRY_CAST(trim(${x}) AS TIMESTAMP) IS NOT NULL`;
    return `CASE WHEN ${x} IS NOT NULL AND NOT ${isNaSql(x)} AND (${typed}) THEN ${misfit('first')} ELSE ${x} END`;
  }
  if (c.read === 'sniffed-text') {
    const v = c.format === undefined ? `TRY_CAST(trim(${x}) AS ${c.sniffed})` : `TRY_STRPTIME(trim(${x}), ${quoteString(c.format)})::${c.sniffed}`;
    return `CASE WHEN ${x} IS NULL OR ${isNaSql(x)} THEN NULL WHEN ${v} IS NOT NULL THEN ${v} ELSE ${misfit('text')} END`;
  }
  const t = numberText(x, numbers);
  if (c.read === 'whole-text') {
    // A whole number beyond BIGINT is text, as pandas keeps a column of them (an ID, not a quantity).
    const whole = `regexp_full_match(${t}, '[+-]?[0-9]+')`;
    return `CASE WHEN ${x} IS NULL OR ${isNaSql(x)} THEN NULL WHEN ${whole} AND TRY_CAST(${t} AS BIGINT) IS NOT NULL THEN ${t}::BIGINT WHEN NOT ${whole} AND ${pandasNumberSql(x, numbers)} THEN ${misfit('fraction')} ELSE ${misfit('text')} END`;
  }
  if (c.read === 'float-text') {
    return `CASE WHEN ${x} IS NULL OR ${isNaSql(x)} THEN NULL WHEN ${pandasNumberSql(x, numbers)} THEN ${t}::DOUBLE ELSE ${misfit('text')} END`;
  }
  return undefined;
}

/** Why a read starts again, for the user (`message`) and the log. */
export interface Widening {
  readonly message: string;
  readonly column?: string;
  readonly value?: string;
  /** The line of the file, when DuckDB's reader names it. */
  readonly line?: number;
  readonly from?: string;
  readonly to?: string;
  /** Notes said earlier that no longer hold (a date column's order, settled by this value). */
  readonly withdraws?: readonly string[];
}

/**
 * The columns with one widened after the read failed with `error`, or undefined when the error is
 * not a value that did not fit a column that can widen.
 */
export async function widen(
  columns: readonly CsvColumn[],
  error: unknown,
  byValues: (empty: readonly CsvColumn[]) => Promise<CsvColumn[]>,
): Promise<{ columns: CsvColumn[]; widening: Widening } | undefined> {
  const msg = (error as Error | undefined)?.message ?? '';
  const found = readMisfit(msg, columns) ?? readConversionError(msg, columns);
  if (!found) return undefined;
  const c = columns[found.index]!;
  if (found.kind === 'first') return typeEmptyColumns(columns, found, byValues);
  const where = found.line === undefined ? '' : ` on line ${found.line}`;
  // A date that only another order the sampled rows allowed reads (`01/13/2024`): read that way.
  const order = (found.kind === 'convert' || found.kind === 'text') && !NA_SPELLINGS.includes(found.value) ? otherOrderFor(found.value, c.otherOrders) : undefined;
  if (order !== undefined) {
    const { otherOrders, ...rest } = c;
    const message = `column '${c.name}' holds ${JSON.stringify(found.value)}${where}, which reads only as ${order}, so it is read as ${order}, not as ${c.format}`;
    const widening: Widening = { message, column: c.name, value: found.value, ...(found.line !== undefined ? { line: found.line } : {}), withdraws: [otherOrders!.note] };
    return { columns: columns.map((x, i) => (i === found.index ? { ...rest, read: 'sniffed-text', format: order } : x)), widening };
  }
  const next = nextColumn(c, found.kind, found.value);
  if (!next) return undefined;
  const from = storedType(c), to = storedType(next);
  // A date column read as text now: its note on the order taken no longer holds.
  const { otherOrders, ...wider } = next;
  const withdraws = otherOrders && !/^(DATE|TIMESTAMP)$/.test(to) ? { withdraws: [otherOrders.note] } : {};
  const why =
    from !== to ? `so it is ${to} instead of ${from}` : found.kind === 'big' ? 'so the column is read exactly from its text' : "pandas' NA spelling, so it is read as missing";
  // A big integer's value is the DOUBLE it was read as (1.5e+18), not the file's text: not quoted.
  const what = found.kind === 'big' && from === to ? `an integer beyond 2^53 (about ${found.value})` : JSON.stringify(found.value);
  const message = `column '${c.name}' holds ${what}${where}, ${why}`;
  const widening: Widening = { message, column: c.name, value: found.value, ...(found.line !== undefined ? { line: found.line } : {}), from, to, ...withdraws };
  return { columns: columns.map((x, i) => (i === found.index ? (otherOrders && !withdraws.withdraws ? next : wider) : x)), widening };
}

/**
 * The step up for a column whose `value` did not fit (`convert`: DuckDB's reader could not parse
 * it as readType): a number column meeting an NA spelling is read as text, NA as missing.
 */
function nextColumn(c: CsvColumn, kind: Exclude<Misfit, 'first'> | 'convert', value: string): CsvColumn | undefined {
  const to = (read: CsvRead): CsvColumn => ({ ...c, read });
  // A BIGINT read without the check (firstRead's `plain`) that fails all the same: with it.
  if (c.read === 'sniffed' && c.sniffed === 'BIGINT') return to('whole');
  if (kind === 'fraction') return c.read === 'whole' ? to('float') : c.read === 'whole-text' ? to('float-text') : undefined;
  if (kind === 'big') return c.read === 'whole' ? to('whole-text') : undefined;
  if (kind === 'convert' && NA_SPELLINGS.includes(value)) {
    if (c.read === 'whole') return to('whole-text');
    if (c.read === 'float') return to('float-text');
    if (c.read === 'sniffed' && TEXT_CASTABLE.test(c.sniffed)) return to('sniffed-text');
  }
  return c.read === 'string' ? undefined : to('string');
}

/** The columns still empty, each typed by all its values; undefined if the column that met a value stays empty. */
async function typeEmptyColumns(
  columns: readonly CsvColumn[],
  found: Found,
  byValues: (empty: readonly CsvColumn[]) => Promise<CsvColumn[]>,
): Promise<{ columns: CsvColumn[]; widening: Widening } | undefined> {
  const c = columns[found.index]!;
  const empty = columns.filter((x) => x.read === 'empty');
  const typed = new Map((await byValues(empty)).map((x) => [x.name, x]));
  const wider = typed.get(c.name);
  if (!wider || wider.read === 'empty') return undefined;
  const to = storedType(wider);
  const others = [...typed.values()].filter((x) => x.name !== c.name && x.read !== 'empty').length;
  const more = others === 0 ? '' : ` (and ${others} more column${others === 1 ? '' : 's'} empty there, typed by all their values)`;
  const message = `column '${c.name}' was empty in the sniffed rows and holds ${JSON.stringify(found.value)} later, so it is ${to}${more}`;
  return { columns: columns.map((x) => typed.get(x.name) ?? x), widening: { message, column: c.name, value: found.value, from: storedType(c), to } };
}

/** ISO dates, and ISO timestamps (or dates) as DuckDB's casts read them. */
const ISO_DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const ISO_TIMESTAMP = `${ISO_DATE}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?`;

/**
 * Aggregates over a text column's values `x` that tell its type by all its values (NA spellings
 * and empty fields left out); byValuesRead reads them.
 */
export function byValuesAggregates(x: string, numbers: NumberFormat): string[] {
  const t = numberText(x, numbers), v = `trim(${x})`;
  const has = `FILTER (WHERE ${x} IS NOT NULL AND NOT ${isNaSql(x)})`;
  return [
    `bool_or(${isNaSql(x)})`,
    `bool_and(${pandasNumberSql(x, numbers)}) ${has}`,
    `bool_and(regexp_full_match(${t}, '[+-]?[0-9]+')) ${has}`,
    `max(abs(TRY_CAST(${t} AS DOUBLE))) ${has}`,
    `bool_and(lower(${v}) IN ('true', 'false')) ${has}`,
    `bool_and(regexp_full_match(${v}, '${ISO_DATE}') AND TRY_CAST(${v} AS DATE) IS NOT NULL) ${has}`,
    `bool_and(regexp_full_match(${v}, '${ISO_TIMESTAMP}') AND TRY_CAST(${v} AS TIMESTAMP) IS NOT NULL) ${has}`,
    `bool_or(regexp_full_match(${t}, '${LEADING_ZEROS}')) ${has}`,
  ];
}

/**
 * The column read by the type all its values have: unchanged without values; a number, bool, date
 * or timestamp (read as text, NA spellings missing, when there are some); else text (numbers with
 * leading zeros too, as the sniffed rows' are: LEADING_ZEROS).
 */
export function byValuesRead(c: CsvColumn, values: readonly unknown[]): CsvColumn {
  const [na, numbers, whole, maxAbs, bool, date, timestamp, leadingZeros] = values;
  const as = (sniffed: string, read: CsvRead): CsvColumn => ({ ...c, sniffed, read });
  if (numbers === null || numbers === undefined) return c;
  if (numbers === true && leadingZeros === true) return as('VARCHAR', 'string');
  if (numbers === true && whole === true) return as('BIGINT', na === true || Number(maxAbs) >= 2 ** 53 ? 'whole-text' : 'whole');
  if (numbers === true) return as('DOUBLE', na === true ? 'float-text' : 'float');
  const typed = na === true ? 'sniffed-text' : 'sniffed';
  if (bool === true) return as('BOOLEAN', typed);
  if (date === true) return as('DATE', typed);
  if (timestamp === true) return as('TIMESTAMP', typed);
  return as('VARCHAR', 'string');
}

/** A column read as a number (integer or float), which numberAggregates' pass can type by all its values. */
export const isNumberRead = (c: CsvColumn): boolean => c.read === 'whole' || c.read === 'whole-text' || c.read === 'float' || c.read === 'float-text';

/**
 * Aggregates over a number column's values read as text (`x`, no NULLs): any NA spelling among
 * them, are the others all numbers, all whole, how large. Cheaper than byValuesAggregates (one
 * cast per value, no regular expression); widenByNumbers reads them.
 */
export function numberAggregates(x: string, numbers: NumberFormat): string[] {
  // DuckDB's cast skips the spaces around a number itself (trim() cost as much as the read), and
  // the NA list is only looked at for values that are not numbers.
  const d = `TRY_CAST(${plainNumber(x, numbers)} AS DOUBLE)`, n = pandasNumberSql(x, numbers);
  const na = `(NOT ${n} AND ${isNaSql(x)})`;
  return [`bool_or(${na})`, `bool_and(${n} OR ${na})`, `bool_and(NOT ${n} OR (isfinite(${d}) AND ${d} = trunc(${d})))`, `max(abs(${d})) FILTER (WHERE ${n})`];
}

/** A number column widened as far as its values need (numberAggregates'), never narrowed. */
export function widenByNumbers(c: CsvColumn, values: readonly unknown[]): CsvColumn {
  const [na, numbers, whole, maxAbs] = values;
  const to = (read: CsvRead): CsvColumn => ({ ...c, read });
  if (numbers === false) return to('string');
  const integer = c.read === 'whole' || c.read === 'whole-text';
  if (integer && whole === false) return to(na === true || c.read === 'whole-text' ? 'float-text' : 'float');
  if (c.read === 'whole' && (na === true || Number(maxAbs) >= 2 ** 53)) return to('whole-text');
  if (c.read === 'float' && na === true) return to('float-text');
  return c;
}

type Found = { index: number; kind: Misfit | 'convert'; value: string; line?: number };

/** A mark of checkExpr's: `keel-misfit:INDEX:KIND:VALUE`. */
function readMisfit(msg: string, columns: readonly CsvColumn[]): Found | undefined {
  const m = new RegExp(`${MISFIT_MARK}:(\\d+):(fraction|big|text|first):(.*)`).exec(msg);
  if (!m || Number(m[1]) >= columns.length) return undefined;
  return { index: Number(m[1]), kind: m[2] as Misfit, value: m[3]!.split('\n')[0]! };
}

/** DuckDB's reader: `CSV Error on Line: N ... Error when converting column "NAME". Could not convert string "VALUE" to 'TYPE'`. */
function readConversionError(msg: string, columns: readonly CsvColumn[]): Found | undefined {
  if (!/Error when converting column/.test(msg)) return undefined;
  // The column whose quoted name the message holds (the longest, should one name contain another).
  let index = -1;
  columns.forEach((c, i) => {
    if (msg.includes(`Error when converting column "${c.name}".`) && (index < 0 || c.name.length > columns[index]!.name.length)) index = i;
  });
  if (index < 0) return undefined;
  const value = /Could not (?:convert|parse) string "(.*?)" (?:to|according)/.exec(msg)?.[1] ?? '';
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  return { index, kind: 'convert', value, ...(line ? { line: Number(line) } : {}) };
}
