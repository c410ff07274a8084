/**
 * The read of CSV files with their types fixed, as the sniff found them: DuckDB's auto-detection
 * off (it would sniff the files again, ~15 % of the parse), the date formats given.
 */
import { quoteString } from './duckdb-sql.js';
import { typeStruct, type SniffedType } from './source-sql.js';

/** The date formats DuckDB's sniffer found (strptime's, `%d/%m/%Y`): one for the DATE columns, one for the TIMESTAMP ones. */
export interface DateFormats {
  readonly date?: string;
  readonly timestamp?: string;
}

export const isDateType = (t: string): boolean => t === 'DATE' || t === 'TIMESTAMP';

/**
 * The read of `files` (DuckDB's argument, with any options of their own after it) with `options`
 * (read_csv's), the date `formats`, and the columns' types.
 */
export function fixedRead(files: string, options: string, formats: DateFormats | undefined): (ts: readonly SniffedType[]) => string {
  const dates = [formats?.date === undefined ? '' : `, dateformat = ${quoteString(formats.date)}`, formats?.timestamp === undefined ? '' : `, timestampformat = ${quoteString(formats.timestamp)}`].join('');
  return (ts) => `read_csv(${files}, ${options}, auto_detect = false, columns = ${typeStruct(ts)}${dates})`;
}
