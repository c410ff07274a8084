/**
 * How a CSV's columns are typed before the read: DuckDB's sniffer on a sample, then Keel's looks
 * at the sampled rows' text (csv-text-columns.ts), and the read of the whole file with those types
 * fixed, ready to widen a column (csv-sniffed-read.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { isFractionalType, isIntegerType, quoteIdent, quoteString } from './duckdb-sql.js';
import { firstRead, NA_SPELLINGS, type CsvColumn } from './csv-columns.js';
import { csvSniffed } from './csv-sniffed-read.js';
import { mayBeRenamed, type ColumnRename } from './column-names.js';
import { headerFields, isNoDialect, whyNoDialect } from './csv-dialect-error.js';
import { headerNames, refuseRenamedParts } from './csv-header-names.js';
import { assertNotMisreadUtf16, assertNoUtf16Names } from './csv-encoding.js';
import { fixedRead, isDateType, type DateFormats } from './csv-fixed-read.js';
import { ambiguousDates, byFormat, checkedDates, fittingFormats, ownDates, type DateCandidate } from './csv-date-formats.js';
import { sniffParts } from './csv-parts.js';
import { sampleFile, sniffedEveryRow, sniffRows, WHOLE_FILE_BYTES } from './csv-sample.js';
import { SPACE_VALUE_MARK } from './csv-space-lines.js';
import { plainIntegers } from './csv-integer-scan.js';
import { headValues, longIntegerColumns, textColumnReads, textInNumberColumns, WHOLE_LOOK_ROWS, wholeBeyondBigint } from './csv-text-columns.js';
import { fileDelimiter, isTimestampFormat, type ReadOptions } from './read-options.js';
import { filesArg, namesCountError, runSource, type Sniffed, type SniffedType } from './source-sql.js';

/**
 * How every CSV is read, as pandas reads it: a header on the first line, a fixed delimiter and
 * RFC 4180 quotes (`"`, doubled inside a field). Left to sniff these, DuckDB reads a broken CSV as
 * one text column, skips the rows above the first one it likes and takes that for the header, or
 * (when its sample holds no quote) reads no quotes at all and fails on a quoted field further down.
 */
function csvOptions(path: string, read: ReadOptions, oneColumn = false): string {
  const delim = quoteString(fileDelimiter(read.delimiter, path));
  const decimal = read.decimal === undefined ? '' : `, decimal_separator = ${quoteString(read.decimal)}`;
  const thousands = read.thousands === undefined ? '' : `, thousands = ${quoteString(read.thousands)}`;
  const comment = read.comment === undefined ? '' : `, comment = ${quoteString(read.comment)}`;
  // A given date format: the sniffer takes it for the columns it reads, and the read converts by it.
  const dates = read.dateFormat === undefined ? '' : `, ${isTimestampFormat(read.dateFormat) ? 'timestampformat' : 'dateformat'} = ${quoteString(read.dateFormat)}`;
  // Given missing-value spellings are NULL as DuckDB parses (and sniffs), in every column.
  const na = oneColumn ? oneColumnNulls(read.na) : read.na === undefined ? '' : `, nullstr = [${['', ...read.na].map(quoteString).join(', ')}]`;
  const fill = read.fillShortRows ? FILL_SHORT_ROWS : '';
  // Raised only after a line longer than DuckDB's default was met (csv-long-lines.ts).
  const lineSize = read.maxLineSize === undefined ? '' : `, max_line_size = ${read.maxLineSize}`;
  return `header = ${read.header === false ? 'false' : 'true'}, skip = ${read.skip ?? 0}, delim = ${delim}, quote = '"', escape = '"', strict_mode = true, encoding = '${read.encoding ?? 'utf-8'}'${lineSize}${decimal}${thousands}${comment}${dates}${na}${fill}`;
}

/**
 * Short rows padded with NULL, when asked (the last of csvOptions): on one thread, as DuckDB's
 * parallel reader refuses null padding at a quoted line break. Its sniffs keep the header's
 * fields (headerFields): with null padding they count a column for each field of the longest row.
 * (Where the head cannot be looked at, UTF-16 or zstd, DuckDB's sniffer refuses a longer row all
 * the same in strict mode, and the read names its line: csv-short-rows.test.ts checks both.)
 */
const FILL_SHORT_ROWS = ', null_padding = true, parallel = false';

/**
 * A one-column file's null strings, without '': DuckDB then skips its blank lines, as pandas does
 * (it reads an empty line there as a row of NULL when '' is a null string; with more columns it
 * skips them anyway), and reads a quoted "" as '' (missing again: emptyAsMissing). The given
 * spellings stay NULL, rows of their own; without any, a line break, which no field outside quotes
 * holds, with quoted fields never NULL.
 */
function oneColumnNulls(na: readonly string[] | undefined): string {
  const spellings = (na ?? []).filter((s) => s !== '');
  return spellings.length > 0 ? `, nullstr = [${spellings.map(quoteString).join(', ')}]` : `, nullstr = [${quoteString('\n')}], allow_quoted_nulls = false`;
}

/**
 * A one-column file's read (oneColumnNulls) with its '' (a quoted "") missing, as pandas reads it,
 * where the column is read as text; a read as another type fails on '' and widens, as at an NA
 * spelling (csv-columns.ts).
 */
function emptyAsMissing(read: (ts: readonly SniffedType[]) => string, spaces: boolean): (ts: readonly SniffedType[]) => string {
  return (ts) => {
    if (ts.length !== 1 || ts[0]!.duckType !== 'VARCHAR') return read(ts);
    const c = quoteIdent(ts[0]!.name);
    // A value of only spaces may be a line of them, which pandas skips: the read stops, and the file is read again without such lines (csv-space-lines.ts).
    const value = spaces ? `CASE WHEN ${c} <> '' AND trim(${c}, ${quoteString(' \t')}) = '' THEN error(${quoteString(SPACE_VALUE_MARK)}) ELSE ${c} END` : c;
    return `(SELECT NULLIF(${value}, '') AS ${c} FROM ${read(ts)})`;
  };
}

/**
 * The CSV's column types as DuckDB sniffs them on a sample, and a read of the whole file with
 * those types and date formats fixed (auto_detect off: the read skips a second sniff, ~15 % of
 * the parse; several files: csv-parts.ts). A text column whose sampled values are
 * all numbers but for an infinity spelling is read as DOUBLE, and one whose values are
 * numbers or NA spellings (`NA`, `null`, ...) as numbers with those missing, as pandas reads them.
 * A column without a value in the sampled rows takes its type from its values (csv-columns.ts).
 */
export async function sniffCsv(
  con: DuckDBConnection,
  files: readonly string[],
  readOptions: ReadOptions,
  given: ReadonlyMap<string, LogicalType>,
  workDir?: string,
  checkSpaces = true,
): Promise<Sniffed> {
  const path = files[0]!;
  // The first file stands for its parts, one export's.
  await assertNotMisreadUtf16(path, readOptions);
  const p = filesArg(files);
  let options = csvOptions(path, readOptions);
  // What the sniffs and the looks at the sampled rows read: the file, or a plain copy of its first rows (csv-sample.ts).
  const sample = files.length === 1 && workDir !== undefined ? await sampleFile(path, workDir, readOptions) : path;
  const sampleRows = await sniffRows(path);
  // The sniff saw every row, and the look at the head (textInNumberColumns, longIntegerColumns) sees them: the integer columns left are exact (firstRead).
  const everyRow = files.length === 1 && (await sniffedEveryRow(path, readOptions, Math.min(sampleRows, WHOLE_LOOK_ROWS)));
  // The names given to a CSV without a header line (the single file's read names its columns by its types).
  const names = readOptions.names === undefined ? '' : `, names = [${readOptions.names.map(quoteString).join(', ')}]`;
  // Keel's names for the columns, where a header's repeated or blank names are renamed (column-names.ts).
  let keelNames: readonly string[] | undefined;
  // A sniff that finds no dialect: the row that does not fit, by line (csv-dialect-error.ts).
  const noDialect = (e: unknown): Promise<never> => whyNoDialect(con, e, files, options, readOptions);
  // The plain copy keeps the file's name (DuckDB's messages name it): it says it is not compressed.
  const plain = sample === path ? '' : ", compression = 'none'";
  const fields = readOptions.fillShortRows ? await headerFields(path, readOptions) : undefined;
  // Some rows ending with empty fields past the header's (`1,2,` among `3,4`) leave DuckDB's sniffer no dialect; its read takes them as the header's fields (pandas' `index_col=False`).
  // The sniffs then pass over rows that do not fit (without null padding: with it a longer row leaves no dialect still);
  // the read refuses any other such row, naming its line. Only after a failed sniff: no cost otherwise.
  let tolerant = false;
  const passingOver = (o: string) => `${o.replace(FILL_SHORT_ROWS, '')}, ignore_errors = true`;
  const sniffOptions = (o: string) => (tolerant ? passingOver(o) : o);
  const sniffFirst = (o: string) => sniffFile(con, sample, `${sniffOptions(o)}${names}${plain}`, sampleRows, keelNames, fields);
  const tolerantSniff = (o: string, e: unknown): ReturnType<typeof sniffFirst> => {
    if (tolerant || !isNoDialect(e)) return noDialect(e);
    tolerant = true;
    return sniffFirst(o).catch(() => ((tolerant = false), noDialect(e)));
  };
  type Read = (ts: readonly SniffedType[]) => string;
  type Found = { columns: { name: string; type: string }[]; formats?: DateFormats; read: Read; sampleRead: Read; byName: boolean };
  const sniffWith = async (o: string): Promise<Found> => {
    if (files.length > 1) {
      // Parts are sniffed passing over such rows too (csv-parts.ts).
      const parts = { options: o, passingOver: passingOver(o), names, sampleRows, read: readOptions };
      const sniffPart = (file: string, options = o) => sniffFile(con, file, `${options}${names}`, sampleRows, undefined, fields);
      return sniffParts(con, files, parts, noDialect, (file) => sniffPart(file).catch((e: unknown) => (isNoDialect(e) ? sniffPart(file, passingOver(o)) : Promise.reject(e))));
    }
    const { columns, formats: f } = await sniffFirst(o).catch((e: unknown) => tolerantSniff(o, e));
    return { columns, formats: f, read: fixedRead(p, o, f), sampleRead: fixedRead(`${quoteString(sample)}${plain}`, o, f), byName: false };
  };
  let found = await sniffWith(options);
  assertNoUtf16Names(path, found.columns.map((c) => c.name), readOptions);
  // One column: sniffed again, its blank lines skipped as pandas skips them (oneColumnNulls).
  if (found.columns.length === 1) {
    options = csvOptions(path, readOptions, true);
    found = await sniffWith(options);
    found = { ...found, read: emptyAsMissing(found.read, checkSpaces), sampleRead: emptyAsMissing(found.sampleRead, checkSpaces) };
  }
  let { columns: sniffed, formats } = found;
  const { read, sampleRead, byName } = found;
  if (readOptions.names !== undefined && readOptions.names.length !== sniffed.length) {
    throw namesCountError(files, sniffed.length, readOptions.names.length);
  }
  // A header's repeated or blank names renamed by Keel's rule, in the later sniffs too; the reads
  // name their columns by their types.
  let renames: ColumnRename[] = [];
  if (readOptions.header !== false && mayBeRenamed(sniffed.map((c) => c.name))) {
    if (byName) await refuseRenamedParts(files, readOptions);
    const { na: _na, ...plainText } = readOptions;
    const duck = { file: `${quoteString(sample)}${plain}`, options: csvOptions(path, { ...plainText, header: false }) };
    const header = byName ? undefined : await headerNames(con, path, readOptions, duck, sniffed.length);
    if (header) {
      keelNames = header.names;
      sniffed = sniffed.map((c, i) => ({ ...c, name: header.names[i]! }));
      renames = header.renames;
    }
  }
  // A column with a given type is read as text, then converted (withGivenTypes).
  const sniffedTypes = sniffed.map(({ name, type }) => ({ name, duckType: given.has(name) ? 'VARCHAR' : type }));
  // Integer columns whose every value the scan of a short file finds plain, read as BIGINT without the check (csv-integer-scan.ts), beside the looks below.
  const plainScan = files.length === 1 && !everyRow ? plainIntegers(path, readOptions, sniffedTypes) : Promise.resolve(new Set<string>());
  // The number columns' first values, read once in JS (csv-text-columns.ts).
  const numbers = sniffedTypes.some((t) => isIntegerType(t.duckType) || isFractionalType(t.duckType));
  const head = numbers ? await headValues(path, readOptions, sniffedTypes, everyRow ? WHOLE_FILE_BYTES : undefined) : undefined;
  // Number columns that pandas reads as text, and whole numbers beyond BIGINT: text columns.
  const notNumbers = textInNumberColumns(head, readOptions, sniffedTypes);
  const numberTypes = sniffedTypes.map((t) => (notNumbers.has(t.name) ? { ...t, duckType: 'VARCHAR' } : t));
  const beyond = await wholeBeyondBigint(con, head, sampleRead, numberTypes, sampleRows, readOptions);
  const typed = numberTypes.map((t) => (beyond.has(t.name) ? { ...t, duckType: 'VARCHAR' } : t));
  // The date formats a date column's read converts by after it meets an NA spelling (several
  // files: the first file's, sniffed only when there are such columns).
  if (!formats && typed.some((t) => isDateType(t.duckType))) formats = await sniffFirst(options).then((s) => s.formats, () => undefined);
  // Date columns DuckDB's sniffer read where Keel would not (`1 2 3` as the year 1, `05/01/24` year
  // first): read by their own format, or as text columns. (Parts read by name are each read by
  // their own sniff's formats, csv-parts.ts, not the first's: only its notes are said.)
  const sniffedDates = typed.filter((t) => isDateType(t.duckType)).map((t) => withFormat(firstRead(t.name, t.duckType), formats));
  const asText = typed.map((t) => (isDateType(t.duckType) ? { ...t, duckType: 'VARCHAR' } : t));
  const checked = await checkedDates(con, sampleRead(asText), sniffedDates, readOptions.dateFormat, sampleRows);
  const misread = byName ? new Set<string>() : checked.misread;
  const fitted = new Map<string, readonly DateCandidate[]>(checked.fits);
  const ownFormat = ownDates({ misread, fits: checked.fits });
  const types = typed.map((t) => (misread.has(t.name) ? { ...t, duckType: 'VARCHAR' } : t));
  const text = types.filter((t) => t.duckType === 'VARCHAR' && !given.has(t.name) && !ownFormat.has(t.name));
  // pandas' NA spellings missing, as the text columns' second look at dates needs them. These
  // later sniffs only refine the types: one that fails leaves them as they are.
  const na = [...new Set([...(readOptions.na ?? []), ...NA_SPELLINGS.filter((s) => s !== '')])];
  const datesWithNa = () => sniffFirst(csvOptions(path, { ...readOptions, na })).then((s) => s.dates, () => new Map<string, CsvColumn>());
  // A date column in another format than the file's (DuckDB's sniffer finds one per file) takes its own.
  const datesOf = async (names: readonly string[]) => {
    const dates = await datesWithNa();
    const withNa = await checkedDates(con, sampleRead(types), [...dates.values()].filter((c) => names.includes(c.name)), readOptions.dateFormat, sampleRows);
    for (const [n, fits] of withNa.fits) fitted.set(n, fits);
    for (const n of withNa.misread) dates.delete(n);
    for (const [n, c] of ownDates(withNa)) dates.set(n, c);
    const own = await fittingFormats(con, sampleRead(types), names.filter((n) => !dates.has(n) && !withNa.fits.has(n)), sampleRows);
    for (const [n, fits] of own) {
      if (fits.length === 0) continue;
      fitted.set(n, fits);
      dates.set(n, byFormat(n, fits[0]!));
    }
    return dates;
  };
  const reads = await textColumnReads(con, sampleRead(types), text, sampleRows, readOptions, datesOf);
  const long = longIntegerColumns(head, readOptions, types);
  const plainInts = await plainScan;
  const columns = types.map((t): CsvColumn => reads.get(t.name) ?? ownFormat.get(t.name) ?? (long.has(t.name) ? { name: t.name, sniffed: t.duckType, read: 'whole-text' } : withFormat(firstRead(t.name, t.duckType, everyRow || plainInts.has(t.name)), formats)));
  // A column in the given date format was read as asked: no note.
  const dated = readOptions.dateFormat === undefined ? columns : columns.filter((c) => c.format !== readOptions.dateFormat);
  const ambiguous = ambiguousDates(dated, fitted);
  const notes = [...ambiguous].map(([column, o]) => ({ column, message: o.note }));
  // Those read by the given date format: none, and the add says so (unusedDateFormatNote).
  const byDateFormat = readOptions.dateFormat === undefined ? undefined : columns.filter((c) => c.format === readOptions.dateFormat).map((c) => c.name);
  // The rows past the sample may settle an ambiguous column's order (csv-date-order.ts); not
  // parts read by name, each by its own sniff's formats (csv-parts.ts).
  const ordered = byName ? columns : columns.map((c) => (ambiguous.has(c.name) ? { ...c, otherOrders: ambiguous.get(c.name)! } : c));
  return { ...csvSniffed(con, read, ordered, given, readOptions), renames, notes, ...(byDateFormat ? { byDateFormat } : {}) };
}

/** A DATE or TIMESTAMP column with its sniffed format, should it meet an NA spelling later (csv-columns.ts). */
function withFormat(c: CsvColumn, formats: DateFormats | undefined): CsvColumn {
  const format = c.sniffed === 'DATE' ? formats?.date : c.sniffed === 'TIMESTAMP' ? formats?.timestamp : undefined;
  return c.read === 'sniffed' && format !== undefined ? { ...c, format } : c;
}

/**
 * One file's columns and date formats as DuckDB's sniffer finds them in its first `rows` rows, and
 * its date columns by name (`names`, Keel's, in place of DuckDB's).
 */
async function sniffFile(
  con: DuckDBConnection,
  path: string,
  options: string,
  rows: number,
  names?: readonly string[],
  fields?: number,
): Promise<{ columns: { name: string; type: string }[]; formats: DateFormats; dates: Map<string, CsvColumn> }> {
  const row = (await runSource(con, `SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(${quoteString(path)}, ${options}, sample_size = ${rows})`, 'csv')).getRows()[0]!;
  const sniffed = (row[0] as { items: { entries: { name: string; type: string } }[] }).items.map(({ entries }) => entries).slice(0, fields);
  const columns = names?.length === sniffed.length ? sniffed.map((c, i) => ({ ...c, name: names[i]! })) : sniffed;
  const formats: DateFormats = { ...(row[1] === null ? {} : { date: String(row[1]) }), ...(row[2] === null ? {} : { timestamp: String(row[2]) }) };
  const dates = new Map(columns.filter((c) => isDateType(c.type)).map((c) => [c.name, withFormat({ name: c.name, sniffed: c.type, read: 'sniffed' }, formats)]));
  return { columns, formats, dates };
}
