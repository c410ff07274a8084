/**
 * A date column whose sampled values read in more than one order of day, month and year
 * (`05/01/2024`) is read one way, with a note (csv-date-formats.ts). The rows past the sample can
 * settle it: a later `01/13/2024` reads month first only, and the column is read again that way
 * rather than falling back to text (csv-columns.ts' widen); a later `13/01/2024` in a column read
 * day first confirms the order taken, and the note is withdrawn (settledNotes). So with three
 * orders (`05/01/03`: day, month or year first): the note goes once later values rule out both
 * others (`25/12/99` reads neither month first nor year first).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteString } from './duckdb-sql.js';

/** The formats of other orders that read every sampled value of a date column too, and the note that said so. */
export interface OtherOrders {
  readonly formats: readonly string[];
  readonly note: string;
}

/** A note on a date column read by `format` whose sampled values read by the `others` too: withdrawn when a value read rules them all out. */
export interface SettleNote {
  readonly column: string;
  readonly message: string;
  readonly format: string;
  readonly others: readonly string[];
}

/** strptime's fields as the formats of csv-date-formats.ts write them, each as the text it reads. */
const FIELDS: Readonly<Record<string, string>> = { d: '([0-9]{1,2})', m: '([0-9]{1,2})', Y: '([0-9]{4})', y: '([0-9]{2})', H: '[0-9]{1,2}', M: '[0-9]{2}', S: '[0-9]{2}' };

/** strptime's `%y`: 00-68 are 2000-2068, 69-99 are 1969-1999. */
const fullYear = (y: string): number => (y.length === 4 ? Number(y) : Number(y) + (Number(y) < 69 ? 2000 : 1900));

/** Whether `value` (surrounding spaces aside) is a real date by `format` (`%m/%d/%Y %H:%M`): its shape, a month of 1-12, a day of that month. */
export function readsAs(value: string, format: string): boolean {
  const order: string[] = [];
  const pattern = format.replace(/%(.)|([^%])/g, (_, field: string | undefined, literal: string | undefined) => {
    if (literal !== undefined) return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    if (/[dmYy]/.test(field!)) order.push(field!);
    return FIELDS[field!] ?? '(?!)';
  });
  const m = new RegExp(`^${pattern}$`).exec(value.trim());
  if (!m) return false;
  const get = (f: string) => m[1 + order.findIndex((o) => o === f || (f === 'y' && o === 'Y'))]!;
  const year = fullYear(get('y')), month = Number(get('m')), day = Number(get('d'));
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first of a column's other orders that reads `value`, or undefined. */
export const otherOrderFor = (value: string, orders: OtherOrders | undefined): string | undefined => orders?.formats.find((f) => readsAs(value, f));

/**
 * Of the notes on ambiguous date columns (`settles`), those the written Parquet settles: each of
 * the other orders fails on some value of the column. A value's text is its date written back by
 * the format taken (the file's own but for zero padding, which no order's reading turns on), read
 * by each other format (DuckDB's strptime checks the day of the month, and reads `%y` as
 * readsAs does).
 */
export async function settledNotes(con: DuckDBConnection, parquet: string, settles: readonly SettleNote[]): Promise<string[]> {
  if (settles.length === 0) return [];
  const ruledOut = settles.map((n) => {
    const text = `strftime(${quoteIdent(n.column)}, ${quoteString(n.format)})`;
    // Missing values rule out nothing.
    const each = n.others.map((f) => `bool_or(TRY_STRPTIME(${text}, ${quoteString(f)}) IS NULL) FILTER (WHERE ${quoteIdent(n.column)} IS NOT NULL)`);
    return each.length === 0 ? 'false' : `coalesce(${each.join(' AND ')}, false)`;
  });
  const row = (await (await con.run(`SELECT ${ruledOut.join(', ')} FROM read_parquet(${quoteString(parquet)})`)).getRows())[0]!;
  return settles.filter((_, i) => row[i] === true).map((n) => n.message);
}
