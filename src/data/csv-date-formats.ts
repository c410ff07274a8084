/**
 * Date formats by column, from the sampled rows' text. DuckDB's sniffer finds one date format (and
 * one timestamp format) per file: a second date column in another format (`31/12/2024` beside
 * `2024.12.31`) stays text, and dates whose day and month can be read either way (`05/01/2024`)
 * are read one way without a word. Here each column's sampled values are tried against the formats
 * DuckDB's sniffer tries, so that such a column takes its own format (read as text and converted
 * by strptime, `sniffed-text`), and a column whose values fit more than one order of day, month and
 * year is told of (a note).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './duckdb-sql.js';
import { isNaSql, type CsvColumn } from './csv-columns.js';
import { isDateType } from './csv-fixed-read.js';
import { textAggregates } from './csv-text-columns.js';
import type { OtherOrders } from './csv-date-order.js';

/** The orders of day, month and year DuckDB's sniffer tries, day first as it prefers them; `Y` the year. */
const ORDERS = [['%d', '%m', 'Y'], ['%m', '%d', 'Y'], ['Y', '%m', '%d']] as const;

/** The separators between them. */
const SEPARATORS = ['/', '-', '.', ' '];

/** The digits of each field. */
const FIELD_SHAPES: Readonly<Record<string, string>> = { '%d': '[0-9]{1,2}', '%m': '[0-9]{1,2}', '%y': '[0-9]{2}', '%Y': '[0-9]{4}' };

/**
 * The times of day after the date, none, with seconds or without (`05.01.2024 10:30`, as
 * spreadsheets write it; DuckDB's sniffer reads the ISO `2024-01-05 10:30` but not these), and
 * the text each reads. A value fits one of them only: the shapes are matched whole.
 */
const TIMES: Readonly<Record<string, string>> = { '': '', ' %H:%M:%S': ' [0-9]{1,2}:[0-9]{2}:[0-9]{2}', ' %H:%M': ' [0-9]{1,2}:[0-9]{2}' };

/** What each field of a date is, as the note says it. */
const FIELD_NAMES: Readonly<Record<string, string>> = { '%d': 'day', '%m': 'month', Y: 'year' };

/**
 * A date or timestamp format tried on a column: strptime's `format`, DuckDB's type for it, and the
 * order of its date fields (`day/month/year`), the same for every separator and year width.
 */
export interface DateCandidate {
  readonly format: string;
  /** The text the format reads, as a regular expression: a year of its width (strptime's `%Y` reads `1` as the year 1). */
  readonly shape: string;
  readonly type: 'DATE' | 'TIMESTAMP';
  readonly order: string;
}

/**
 * The formats tried, in the order of preference: the first that reads every sampled value wins.
 * A two-digit year (`%y`) before a four-digit one: strptime's `%Y` reads `24` as the year 24.
 * Fields separated by spaces only with a four-digit year (spacedShortYear).
 */
const DATE_CANDIDATES: readonly DateCandidate[] = Object.entries(TIMES).flatMap(([time, timeShape]) =>
  SEPARATORS.flatMap((sep) =>
    ORDERS.flatMap((order) =>
      (sep === ' ' ? ['%Y'] : ['%y', '%Y']).map((year): DateCandidate => ({
        format: order.map((f) => (f === 'Y' ? year : f)).join(sep) + time,
        shape: order.map((f) => FIELD_SHAPES[f === 'Y' ? year : f]).join(sep === '.' ? '[.]' : sep) + timeShape,
        type: time === '' ? 'DATE' : 'TIMESTAMP',
        order: order.map((f) => FIELD_NAMES[f]).join('/'),
      })),
    ),
  ),
);

/** The candidate of a sniffed format, if it is one of DATE_CANDIDATES. */
const candidateOf = (format: string | undefined): DateCandidate | undefined => DATE_CANDIDATES.find((c) => c.format === format);

/**
 * A format of three fields separated by spaces with a two-digit year (`%m %d %y`): DuckDB's
 * sniffer reads `10 20 30` by it (2030-10-20), where the values are more likely numbers in a row
 * (a score, a version, a phone number's parts) than dates. Spaced dates need a four-digit year.
 */
const spacedShortYear = (format: string): boolean => /^%[dmy] %[dmy] %[dmy]/.test(format);

/**
 * A value whose year, first, has fewer than four digits: DuckDB's cast to DATE or TIMESTAMP (the
 * sniffer's ISO reading) reads `1 2 3`, `1-2-3` and `1/2/3` as the year 1, and strptime's `%Y`
 * reads `24` as the year 24.
 */
const SHORT_YEAR_FIRST = '^[0-9]{1,3}[^0-9]';

/** Of the date columns DuckDB's sniffer typed, those Keel reads otherwise, and the formats that fit those it looked at (checkedDates). */
export interface CheckedDates {
  readonly misread: ReadonlySet<string>;
  readonly fits: ReadonlyMap<string, readonly DateCandidate[]>;
}

/**
 * Of the date columns DuckDB's sniffer typed (`columns`, each with its format, none for its ISO
 * reading; `read` reads them as text), those Keel does not read as it did (`misread`), and the
 * formats of DATE_CANDIDATES that fit each column in one of them (`fits`: its note's, and its own
 * format when misread). Misread are:
 *  - a spaced date with a two-digit year (spacedShortYear);
 *  - a year first (ISO, or `%Y` first) with fewer than four digits in a sampled value;
 *  - a format other than the first of DATE_CANDIDATES that fits the column: DuckDB's sniffer reads
 *    `05/01/24` and `31/12/24` year first (2005-01-24, 2031-12-24), and gives the file's one
 *    format to every date column, `%d/%m/%Y` to `05/01/24` beside `31/12/2024` too (the year 24).
 * The caller reads a misread column by the first format that fits it (ownDates), or as text when
 * none does. A column in the `given` format (--date-format) is read as asked.
 */
export async function checkedDates(
  con: DuckDBConnection,
  read: string,
  columns: readonly CsvColumn[],
  given: string | undefined,
  rows: number,
): Promise<CheckedDates> {
  const checked = columns.filter((c) => c.format === undefined || c.format !== given);
  const misread = new Set(checked.filter((c) => c.format !== undefined && spacedShortYear(c.format)).map((c) => c.name));
  const yearFirst = checked.filter((c) => !misread.has(c.name) && (c.format === undefined || c.format.startsWith('%Y')));
  const short = await textAggregates(con, read, yearFirst.map((c) => c.name), rows, [
    `bool_or(regexp_matches(trim(v), ${quoteString(SHORT_YEAR_FIRST)})) FILTER (WHERE NOT ${isNaSql('v')})`,
  ]);
  for (const c of yearFirst) if (short(c.name)[0] === true) misread.add(c.name);
  // Four digits first read one way only (`2024.01.05`); the others are tried in Keel's order.
  const tried = checked.filter((c) => !misread.has(c.name) && !yearFirst.includes(c) && candidateOf(c.format) !== undefined);
  const fits = await fittingFormats(con, read, tried.map((c) => c.name), rows);
  for (const c of tried) if (fits.get(c.name)?.[0]?.format !== c.format) misread.add(c.name);
  return { misread, fits };
}

/** The misread columns a format fits, each read by the first (byFormat). */
export function ownDates({ misread, fits }: CheckedDates): Map<string, CsvColumn> {
  return new Map([...misread].flatMap((n) => {
    const first = fits.get(n)?.[0];
    return first === undefined ? [] : [[n, byFormat(n, first)] as const];
  }));
}

/** Rows of the first look, which picks the formats worth trying on all the sampled rows. */
const FIRST_LOOK_ROWS = 256;

/**
 * Of each column (text in the sampled rows' `read`), the candidates that read every one of its
 * first `rows` values (NA spellings and the `--na` ones, NULL here, left out), in DATE_CANDIDATES'
 * order; none for a column without a value. Two looks: every candidate on the first rows, then
 * those left on all of them.
 */
export async function fittingFormats(con: DuckDBConnection, read: string, names: readonly string[], rows: number): Promise<Map<string, DateCandidate[]>> {
  const fits = (cs: readonly DateCandidate[]) =>
    cs.map((c) => `bool_and(regexp_full_match(trim(v), ${quoteString(c.shape)}) AND TRY_STRPTIME(trim(v), ${quoteString(c.format)}) IS NOT NULL) FILTER (WHERE NOT ${isNaSql('v')})`);
  const first = await textAggregates(con, read, names, FIRST_LOOK_ROWS, fits(DATE_CANDIDATES));
  const left = new Map(names.map((n) => [n, DATE_CANDIDATES.filter((_, i) => first(n)[i] === true)]));
  const tried = DATE_CANDIDATES.filter((c) => [...left.values()].some((cs) => cs.includes(c)));
  const looked = [...left].filter(([, cs]) => cs.length > 0).map(([n]) => n);
  const all = await textAggregates(con, read, looked, rows, fits(tried));
  return new Map(looked.map((n) => [n, tried.filter((c, i) => left.get(n)!.includes(c) && all(n)[i] === true)]));
}

/** A column read by the first fitting format, as text converted by strptime (NA spellings missing). */
export const byFormat = (name: string, c: DateCandidate): CsvColumn => ({ name, sniffed: c.type, read: 'sniffed-text', format: c.format });

/**
 * Of a column read by `taken` whose sampled values fit `fitting` formats of other orders too
 * (`05/01/2024`: day first or month first), those formats and the note that says so; undefined
 * when no other order fits.
 */
function otherOrdersOf(name: string, taken: string, fitting: readonly DateCandidate[]): OtherOrders | undefined {
  const chosen = candidateOf(taken);
  const others = fitting.filter((c) => c.order !== chosen?.order && c.type === chosen?.type);
  // One format of each other order (the preferred year width), as the user would give it.
  const alternatives = others.filter((c, i) => others.findIndex((o) => o.order === c.order) === i);
  if (chosen === undefined || alternatives.length === 0) return undefined;
  const ways = alternatives.map((c) => `${c.format} (${c.order})`).join(' or ');
  const other = alternatives[0]!.format;
  const note = `column '${name}': every sampled value reads as ${chosen.format} (${chosen.order}) and as ${ways}, so it is read as ${chosen.format}; pass --date-format '${other}' (HTTP: ?dateFormat=) to read it as ${other}`;
  return { formats: others.map((c) => c.format), note };
}

/**
 * The date columns whose sampled values read in another order of day, month and year too
 * (`05/01/2024`), each with those orders and its note, from `fitted`: the formats found to fit
 * each column in a format that could be read another way (checkedDates', fittingFormats'; not a
 * four-digit year first, not ISO).
 */
export function ambiguousDates(columns: readonly CsvColumn[], fitted: ReadonlyMap<string, readonly DateCandidate[]>): Map<string, OtherOrders> {
  const dates = columns.filter((c) => isDateType(c.sniffed) && candidateOf(c.format) !== undefined && !c.format!.startsWith('%Y'));
  return new Map(dates.flatMap((c) => {
    const orders = otherOrdersOf(c.name, c.format!, fitted.get(c.name) ?? []);
    return orders === undefined ? [] : [[c.name, orders] as const];
  }));
}

/**
 * The note for a given date format (`--date-format`) that read none of the columns kept
 * (`byFormat`, those it read; `keep`, those kept, all when undefined), or undefined when it read
 * one. Without it the add would say nothing, yet the format is part of the version's identity: the
 * same data would come back as another version.
 */
export function unusedDateFormatNote(format: string | undefined, byFormat: readonly string[] | undefined, keep: ReadonlySet<string> | undefined): string | undefined {
  if (format === undefined || (byFormat ?? []).some((n) => !keep || keep.has(n))) return undefined;
  return `no column was read by --date-format '${format}' (HTTP: ?dateFormat=): it fits the sampled values of no column${keep ? ' kept' : ''}, yet it is part of the version's identity, so the same data added without it is another version`;
}
