/**
 * How several CSV files (the parts of a folder or a glob) are typed and read as one dataset. Parts
 * that all open with one header line are read by position as one file's rows, typed by the
 * leading parts' sampled rows. Others are matched by the names in their headers (by position, a
 * part whose header orders the columns differently would put its values under the wrong names),
 * DuckDB sniffing each one to describe them and again to read them: 100 parts of the benchmark's
 * rows took 1.2-1.6 s to sniff and 1.9-2.5 s to read that way, against 0.45 s and 1.5-1.8 s.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from './duckdb-sql.js';
import { fixedRead, isDateType, type DateFormats } from './csv-fixed-read.js';
import { isNoDialect } from './csv-dialect-error.js';
import { leadingFiles, sameHeaders } from './csv-sample.js';
import { trailingFieldsError } from './csv-trailing-fields.js';
import type { ReadOptions } from './read-options.js';
import { filesArg, runSource, typeStruct, type SniffedType } from './source-sql.js';

type Column = { name: string; type: string };

/**
 * How the parts are read (csv-sniff.ts): read_csv's options, those of a sniff that passes over
 * rows that do not fit the header, the names given, the rows to sniff, and the options given.
 */
export interface PartsRead {
  readonly options: string;
  readonly passingOver: string;
  readonly names: string;
  readonly sampleRows: number;
  readonly read: ReadOptions;
}

/**
 * The parts' columns as sniffed, the date formats of a read by position, and the reads of all the
 * parts and of the leading parts that hold the sampled rows (a read of all the parts by name
 * sniffs each one again: 0.54 s a look over 100 parts). `noDialect` turns a sniff's failure into
 * the error to throw; `sniffPart` sniffs one part (its columns and date formats).
 */
export async function sniffParts(
  con: DuckDBConnection,
  files: readonly string[],
  how: PartsRead,
  noDialect: (e: unknown) => Promise<never>,
  sniffPart: (file: string) => Promise<{ columns: Column[]; formats: DateFormats }>,
): Promise<{ columns: Column[]; formats?: DateFormats; read: (ts: readonly SniffedType[]) => string; sampleRead: (ts: readonly SniffedType[]) => string; byName: boolean }> {
  const all = filesArg(files);
  const byName = (fs: string, options = how.options) => `read_csv(${fs}, ${options}${how.names}, union_by_name = true, sample_size = ${how.sampleRows}`;
  const describe = async (fs: string, options?: string) => (await runSource(con, `DESCRIBE SELECT * FROM ${byName(fs, options)})`, 'csv')).getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const leading = await leadingFiles(files);
  const lp = filesArg(leading);
  const oneHeader = how.read.header !== false && (await sameHeaders(files, how.read));
  // Rows of which only some end with empty fields past the header's leave the sniffer no dialect:
  // sniffed again passing over them, as one file's rows are; the read by position takes them as
  // their fields and refuses any other row that does not fit, naming its part and line.
  const passingOver = (e: unknown) => (isNoDialect(e) ? describe(lp, how.passingOver).catch(() => noDialect(e)) : noDialect(e));
  const leadingColumns = oneHeader ? await describe(lp).catch(passingOver) : undefined;
  const same = leadingColumns && (await byPosition(leadingColumns, [files[0]!, leading.at(-1)!, files.at(-1)!], sniffPart));
  if (same) return { ...same, read: fixedRead(all, how.options, same.formats), sampleRead: fixedRead(lp, how.options, same.formats), byName: false };
  // Read by name, DuckDB sniffs each part again as it reads it, and cannot pass over such rows
  // there: a part that mixes them is refused by its line (csv-trailing-fields.ts).
  const columns = await describe(all).catch(async (e: unknown) => {
    try {
      return await noDialect(e);
    } catch (why) {
      // noDialect throws the sniffer's error itself when it finds no row that does not fit.
      throw (why === e && (await trailingFieldsError(files, how.read, e))) || why;
    }
  });
  const read = (ts: readonly SniffedType[]) => `${byName(all)}, types = ${typeStruct(ts)})`;
  if (leading.length === files.length) return { columns, read, sampleRead: read, byName: true };
  // A column the leading files lack is empty there.
  const held = new Set((leadingColumns ?? (await describe(lp).catch(() => []))).map((c) => c.name));
  if (held.size === 0) return { columns, read, sampleRead: read, byName: true };
  const lacking = columns.filter((c) => !held.has(c.name)).map((c) => `, NULL::VARCHAR AS ${quoteIdent(c.name)}`).join('');
  return { columns, read, sampleRead: (ts) => `(SELECT *${lacking} FROM ${byName(lp)}, types = ${typeStruct(ts.filter((t) => held.has(t.name)))}))`, byName: true };
}

/**
 * Parts with one header: the leading parts' columns, and the date formats for the read by
 * position, sniffed in the first part; or undefined when `checked` parts (the first, the last
 * leading one, the last) disagree on a date column's type or the formats (a column empty in the
 * first part, say, or an export that changed its date format): each part is then read by its own.
 * A change of format in other parts widens the column to `string` when the read meets it.
 */
async function byPosition(
  columns: Column[],
  checked: readonly string[],
  sniffPart: (file: string) => Promise<{ columns: Column[]; formats: DateFormats }>,
): Promise<{ columns: Column[]; formats: DateFormats } | undefined> {
  if (!columns.some((c) => isDateType(c.type))) return { columns, formats: {} };
  const sniffs = [];
  // One at a time: the sniffs share one connection.
  for (const file of new Set(checked)) sniffs.push(await sniffPart(file).catch(() => undefined));
  const first = sniffs[0];
  if (first === undefined) return undefined;
  const typed = (s: { columns: Column[] }) => columns.every((c) => !isDateType(c.type) || s.columns.find((f) => f.name === c.name)?.type === c.type);
  const agree = sniffs.every((s) => s !== undefined && typed(s) && s.formats.date === first.formats.date && s.formats.timestamp === first.formats.timestamp);
  return agree ? { columns, formats: first.formats } : undefined;
}
