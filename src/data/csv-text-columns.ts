/**
 * The looks at a CSV's sampled rows as text that type the columns DuckDB's sniffer typed one way
 * where pandas would another: text columns of numbers with NA spellings, of dates in another
 * format, of bools; DOUBLE columns of whole numbers beyond BIGINT (csv-sniff.ts decides with them).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { beyondDouble, EXACT_DIGITS, isFractionalType, isIntegerType, quoteIdent } from './duckdb-sql.js';
import { byValuesAggregates, byValuesRead, firstRead, isNaSql, NA_SPELLINGS, type CsvColumn, type CsvRead } from './csv-columns.js';
import { isInfinitySql, isPandasNumber, LEADING_ZEROS, numberText, pandasNumberSql, type NumberFormat } from './csv-number-text.js';
import { headRows } from './csv-sample.js';
import type { ReadOptions } from './read-options.js';
import { runSource, type SniffedType } from './source-sql.js';

/**
 * Rows of a first, cheap look at the text columns. Its aggregates cost ~0.3 µs a value: on a
 * 2,000 × 2,000 file (400 text columns) 775 ms for 2,048 rows, 212 ms for 256.
 */
const FIRST_LOOK_ROWS = 256;

/** Rows of the first look at DOUBLE columns for whole numbers: a column of fractions shows one in its first row or so. */
export const WHOLE_LOOK_ROWS = 32;

/**
 * The DOUBLE columns whose sampled values are all whole numbers, one of them beyond BIGINT.
 * DuckDB's sniffer takes such a column for DOUBLE, which rounds its values
 * (12345678901234567890123 became 1.2345678901234568e22). pandas keeps it as text (an ID, not a
 * quantity), and so does Keel: the caller reads these as text columns. The first rows are looked
 * at in JS (`path`'s head): a DuckDB query over a sample of a 2,000-column file costs 0.3 s even
 * for 32 rows. Only a column whose first values are all whole is looked at in DuckDB.
 */
export async function wholeBeyondBigint(
  con: DuckDBConnection,
  head: HeadValues | undefined,
  sampleRead: (ts: readonly SniffedType[]) => string,
  types: readonly SniffedType[],
  rows: number,
  read: ReadOptions,
): Promise<Set<string>> {
  const doubles = types.filter((t) => t.duckType === 'DOUBLE').map((t) => t.name);
  if (doubles.length === 0) return new Set();
  const missing = new Set(['', ...(read.na ?? [])]);
  const whole = (v: string | undefined) => v === undefined || missing.has(v) || wholeText(v, read) !== undefined;
  // A column not found in the head (renamed by DuckDB) is looked at in DuckDB.
  const candidates = doubles.filter((name) => head?.(name)?.every(whole) ?? true);
  if (candidates.length === 0) return new Set();
  const asText = new Set(candidates);
  const sample = sampleRead(types.map((t) => (asText.has(t.name) ? { ...t, duckType: 'VARCHAR' } : t)));
  const t = `trim(${numberText('v', read)})`;
  const all = await textAggregates(con, sample, candidates, rows, [`bool_and(regexp_full_match(${t}, '[+-]?[0-9]+'))`, `bool_or(TRY_CAST(${t} AS BIGINT) IS NULL)`]);
  // All whole, and one beyond BIGINT: the sniffer may have seen a fraction past these rows.
  return new Set(candidates.filter((n) => all(n)[0] === true && all(n)[1] === true));
}

/** A plain integer of up to 15 digits: a number, below 2^53, as written in most number columns. */
const SHORT_INTEGER = new RegExp(`^-?[0-9]{1,${EXACT_DIGITS}}$`);

/**
 * The integer columns whose first values (WHOLE_LOOK_ROWS of them) hold one beyond ±2^53 (a
 * snowflake ID): read as text and checked from the start (`whole-text`), not as DOUBLE, which
 * would meet the value, fail and read the file again.
 */
export function longIntegerColumns(head: HeadValues | undefined, read: ReadOptions, types: readonly SniffedType[]): Set<string> {
  const ints = types.filter((t) => isIntegerType(t.duckType)).map((t) => t.name);
  const long = (v: string | undefined) => {
    // Up to 15 digits are below 2^53 (16 digits): no BigInt for the usual value.
    if (v === undefined || SHORT_INTEGER.test(v)) return false;
    const digits = wholeText(v, read);
    return digits !== undefined && beyondDouble(BigInt(digits));
  };
  return new Set(ints.filter((name) => head?.(name)?.some(long) === true));
}

/** The value's digits (and sign) when it is a whole number as written (thousands separators allowed), else undefined. */
function wholeText(v: string, read: ReadOptions): string | undefined {
  const t = (read.thousands === undefined ? v : v.replaceAll(read.thousands, '')).trim();
  return /^[+-]?[0-9]+$/.test(t) ? t : undefined;
}

/**
 * The number columns (DuckDB's sniffer's) whose first values (WHOLE_LOOK_ROWS of them) hold one
 * that pandas reads as text: hex or binary (`0x1F`, `0b101`, which DuckDB's sniffer takes for
 * BIGINT), `NAN` or `1e500` (for DOUBLE). The caller reads them as text columns, as pandas keeps
 * them; such a value further down makes an int column `string` when the read meets it.
 */
export function textInNumberColumns(head: HeadValues | undefined, read: ReadOptions, types: readonly SniffedType[]): Set<string> {
  const missing = new Set([...NA_SPELLINGS, ...(read.na ?? [])]);
  // A short integer is a number to pandas whatever the thousands separator (unless a digit) or decimal mark: the usual value skips isPandasNumber.
  const plain = read.thousands === undefined || !/[0-9]/.test(read.thousands) ? SHORT_INTEGER : undefined;
  const text = (v: string | undefined) => v !== undefined && plain?.test(v) !== true && !missing.has(v) && !isPandasNumber(v, read);
  const numbers = types.filter((t) => isIntegerType(t.duckType) || isFractionalType(t.duckType));
  return new Set(numbers.filter((t) => head?.(t.name)?.some(text) === true).map((t) => t.name));
}

/** The first WHOLE_LOOK_ROWS values of a column in the head, by its name (headValues). */
export type HeadValues = (name: string) => (string | undefined)[] | undefined;

/**
 * The first WHOLE_LOOK_ROWS values of a column in the first file's head (its first `bytes`,
 * headRows': a MiB, or the whole of a file sniffedEveryRow), by the column's name in
 * the header (parts may order their columns otherwise; without a header, by its place in `types`):
 * undefined for a column not found there (renamed by DuckDB), or when the head cannot be read.
 */
export async function headValues(path: string, read: ReadOptions, types: readonly SniffedType[], bytes?: number): Promise<HeadValues | undefined> {
  const header = read.header !== false;
  const head = await headRows(path, read, WHOLE_LOOK_ROWS + (header ? 1 : 0), bytes);
  if (head === undefined) return undefined;
  const values = head.slice(header ? 1 : 0);
  // Each name's first place, found once: a search of the header per column (indexOf) cost 0.4 s
  // of the looks at a 10,000-column file's number columns, which ask for every column.
  const names = header ? (head[0] ?? []) : types.map((t) => t.name);
  const fields = new Map<string, number>();
  names.forEach((n, i) => {
    if (!fields.has(n)) fields.set(n, i);
  });
  return (name) => {
    const field = fields.get(name);
    return field === undefined ? undefined : values.map((r) => r[field]);
  };
}

/**
 * How to read the columns DuckDB sniffed as text, where their sampled values say another way
 * (numbers as pandas reads them, csv-number-text.ts: not `1_000` nor `+-5`, which DuckDB's cast reads):
 *  - all numbers, with an infinity spelled (`inf`): `float` (DuckDB's DOUBLE reads those);
 *  - all numbers or NA spellings: as text, NA as missing (`whole-text` if the numbers are all whole);
 *  - all numbers, some with an explicit `+` (`+5`, which DuckDB's sniffer takes for text): `whole` or `float`;
 *  - any number with leading zeros (`007`, LEADING_ZEROS): text, as the sniffer keeps it, with NA spellings too;
 *  - all true/false, ISO dates or ISO timestamps, with NA spellings (an R export's `TRUE`, `FALSE`,
 *    `NA`): as text, stored as that type, NA as missing;
 *  - no value at all: `empty`, typed by its values later (csv-columns.ts);
 *  - dates or timestamps in another format (`25/12/2024`) with NA spellings, or in another format
 *    than the file's other date columns: as text, NA as missing, converted by the column's format
 *    (`datesOf`: a second sniff with NA spellings missing, then the column's own format; only when
 *    the first rows look like dates).
 * Most text columns show text in their first rows, so a cheap look at those rows picks the columns
 * worth the detailed look at all the sampled rows (a regular expression per value took 0.3 s over a
 * wide file's 60 text columns; the sampled rows of a wide file take ~0.5 s to read again). A
 * column whose first rows hold only NA spellings gets both detailed looks.
 */
export async function textColumnReads(
  con: DuckDBConnection,
  read: string,
  cols: readonly SniffedType[],
  rows: number,
  numberFormat: NumberFormat,
  datesOf: (names: readonly string[]) => Promise<Map<string, CsvColumn>>,
): Promise<Map<string, CsvColumn>> {
  const found = new Map<string, CsvColumn>();
  if (cols.length === 0) return found;
  const na = isNaSql('v');
  const head = await textAggregates(con, read, cols.map((t) => t.name), FIRST_LOOK_ROWS, [
    `bool_and(TRY_CAST(${numberText('v', numberFormat)} AS DOUBLE) IS NOT NULL OR ${na})`,
    `bool_and(lower(trim(v)) IN ('true', 'false') OR TRY_CAST(trim(v) AS TIMESTAMP) IS NOT NULL OR ${na})`,
    `bool_and(regexp_full_match(trim(v), '${DATE_LIKE}') OR ${na})`,
  ]);
  // All missing (NULL) counts as numeric: the sampled rows decide.
  const numeric = cols.filter((t) => head(t.name)[0] !== false);
  const notNumbers = new Set<string>();
  const number = `FILTER (WHERE NOT ${na})`;
  const numbers = await textAggregates(con, read, numeric.map((t) => t.name), rows, [
    `bool_or(${isInfinitySql('v')})`,
    `bool_or(${na})`,
    `bool_and(regexp_full_match(${numberText('v', numberFormat)}, '[+-]?[0-9]+')) ${number}`,
    `count(v) ${number}`,
    `bool_and(${pandasNumberSql('v', numberFormat)}) ${number}`,
    `bool_or(regexp_full_match(${numberText('v', numberFormat)}, '${LEADING_ZEROS}')) ${number}`,
    `max(abs(TRY_CAST(${numberText('v', numberFormat)} AS DOUBLE))) ${number}`,
    `bool_or(TRY_CAST(${numberText('v', numberFormat)} AS BIGINT) IS NULL) ${number}`,
  ]);
  for (const t of numeric) {
    const [nonFinite, hasNa, whole, values, allNumbers, leadingZeros, maxAbs, beyondBigint] = numbers(t.name);
    if (allNumbers === false) {
      notNumbers.add(t.name);
      continue;
    }
    // Numbers with leading zeros (zip codes) stay text, whatever missing values stand beside them.
    if (leadingZeros === true) continue;
    // Whole numbers beyond BIGINT stay text, as pandas keeps them; beyond 2^53 they are read exactly.
    const wholeRead: CsvRead | undefined = beyondBigint === true ? undefined : Number(maxAbs) >= 2 ** 53 ? 'whole-text' : 'whole';
    const plain: CsvRead | undefined = whole === true ? wholeRead : 'float';
    const how: CsvRead | undefined = hasNa === true ? (whole === true ? 'whole-text' : 'float-text') : nonFinite === true ? 'float' : Number(values) === 0 ? 'empty' : plain;
    if (how) found.set(t.name, { name: t.name, sniffed: t.duckType, read: how });
  }
  // Bools and dates: those the first look saw, and those whose first rows held only NA spellings.
  const typed = cols.filter((t) => head(t.name)[1] !== false && (head(t.name)[0] === false || notNumbers.has(t.name)));
  const byValues = await textAggregates(con, read, typed.map((t) => t.name), rows, byValuesAggregates('v', numberFormat));
  for (const t of typed) {
    const c = byValuesRead(firstRead(t.name, t.duckType), byValues(t.name));
    if (c.read === 'sniffed' || c.read === 'sniffed-text') found.set(t.name, c);
  }
  // Dates in another format: columns of date-like values (or NA spellings) in their first rows, not typed above.
  const dateLike = cols.filter((t) => !found.has(t.name) && head(t.name)[2] !== false && (head(t.name)[0] === false || notNumbers.has(t.name)));
  if (dateLike.length > 0) {
    const dates = await datesOf(dateLike.map((t) => t.name));
    for (const t of dateLike) {
      const c = dates.get(t.name);
      if (c) found.set(t.name, { ...c, read: 'sniffed-text' });
    }
  }
  return found;
}

/** What DuckDB's sniffer may take for a date or timestamp (`25/12/2024`, `12.25.24 10:30:00`), loosely: the sniff decides. */
const DATE_LIKE = '[0-9]{1,4}[-/. ][0-9]{1,2}[-/. ][0-9]{1,4}([ T].*)?';

/**
 * Of text columns, the values of `aggregates` over each one's first `rows` values (all, without
 * `rows`), as a lookup by column name. The aggregates are of `v`: the query takes the columns'
 * values as (column, value) rows (UNPIVOT, which leaves out NULLs) and groups them by column, so
 * its SQL does not grow with the columns. (Aggregates per column, each with pandas' NA list, took
 * DuckDB 7 s to plan for 667 columns.)
 */
export async function textAggregates(con: DuckDBConnection, read: string, names: readonly string[], rows: number | undefined, aggregates: readonly string[]): Promise<(name: string) => unknown[]> {
  if (names.length === 0) return () => [];
  // Only these columns: DuckDB then skips converting the others' fields.
  const sample = `SELECT ${names.map(quoteIdent).join(', ')} FROM ${read}${rows === undefined ? '' : ` LIMIT ${rows}`}`;
  const sql = `SELECT keel_col, ${aggregates.join(', ')} FROM (UNPIVOT (${sample}) ON COLUMNS(*) INTO NAME keel_col VALUE v) GROUP BY keel_col`;
  const byName = new Map((await runSource(con, sql, 'csv')).getRows().map((r) => [String(r[0]), r.slice(1)]));
  // A column without a value has no row: each aggregate is NULL then (a count 0).
  return (name) => byName.get(name) ?? aggregates.map(() => null);
}
