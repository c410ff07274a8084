import { invalidArgument, type LogicalType, type ReadOptionsGiven } from '../core/index.js';
import { adviceError } from './advice-error.js';
import { refuseRepeatedColumns } from './dataset-rows.js';
import { resolveTypes } from './type-options.js';

// The read options as given are core's (core/contracts/datasets.ts), shared with the SDK.
export type { ReadOptionsGiven };

// How an add reads its files beyond their format: a CSV's encoding, delimiter, decimal and
// thousands separators, comment lines, missing-value spellings, header and lines to skip; the
// columns to keep and given column types.

/** The text encodings DuckDB's CSV reader knows without an extension. */
export const CSV_ENCODINGS = ['utf-8', 'latin-1', 'utf-16'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** The encoding given (CSV only; default UTF-8), checked. */
function resolveEncoding(format: string, encoding: string | undefined): CsvEncoding {
  if (encoding === undefined) return 'utf-8';
  const e = encoding.toLowerCase().replace(/^utf8$/, 'utf-8').replace(/^(latin1|iso-8859-1)$/, 'latin-1').replace(/^utf16$/, 'utf-16');
  if (!(CSV_ENCODINGS as readonly string[]).includes(e)) throw invalidArgument('encoding', `unknown encoding '${encoding}' (known: ${CSV_ENCODINGS.join(', ')})`);
  if (format !== 'csv' && e !== 'utf-8') throw invalidArgument('encoding', `an encoding applies to CSV only; ${format.toUpperCase()} is read as UTF-8`);
  return e as CsvEncoding;
}

/** A tab-separated file, by its name (read with a tab where other CSV files take a comma). */
export const isTsv = (path: string): boolean => /\.tsv(\.gz|\.zst)?$/i.test(path);

/** The delimiter a CSV `file` is read with: the one given, else a tab for a .tsv and a comma otherwise. */
export const fileDelimiter = (delimiter: string | undefined, file: string): string => delimiter ?? (isTsv(file) ? '\t' : ',');

/**
 * The delimiter given (CSV only), checked: up to four bytes (DuckDB's limit), `\t` or `tab` for a
 * tab; `', '` reads the UCI data's comma-and-space fields without their leading space (pandas'
 * `skipinitialspace`). Undefined when none is given or it is the file's default (a tab for .tsv,
 * else a comma), so that naming the default does not make another version.
 */
function resolveDelimiter(format: string, delimiter: string | undefined, firstFile: string): string | undefined {
  if (delimiter === undefined) return undefined;
  const d = delimiter === '\\t' || delimiter.toLowerCase() === 'tab' ? '\t' : delimiter;
  if (format !== 'csv') throw invalidArgument('delimiter', `a delimiter applies to CSV only, not ${format.toUpperCase()}`);
  const bytes = Buffer.byteLength(d);
  if (bytes < 1 || bytes > 4 || /["\r\n]/.test(d)) {
    throw invalidArgument('delimiter', `expected one to four bytes, none a quote or a line break (\\t or tab for a tab), got ${JSON.stringify(delimiter)}`);
  }
  return d === fileDelimiter(undefined, firstFile) ? undefined : d;
}

/**
 * The decimal separator given (CSV only): `,` (pandas' `decimal=','`, for numbers written `1,5`)
 * or `.` (the default, then undefined). A decimal comma needs another delimiter.
 */
function resolveDecimal(format: string, decimal: string | undefined, delimiter: string | undefined, firstFile: string): ',' | undefined {
  if (decimal === undefined || decimal === '.') return undefined;
  if (format !== 'csv') throw invalidArgument('decimal', `a decimal separator applies to CSV only, not ${format.toUpperCase()}`);
  if (decimal !== ',') throw invalidArgument('decimal', `expected ',' or '.', got ${JSON.stringify(decimal)}`);
  if ((fileDelimiter(delimiter, firstFile)) === ',') throw adviceError('decimal', (say) => `a decimal comma needs another delimiter, e.g. ${say('delimiter', ';')}`);
  return ',';
}

/**
 * The thousands separator given (CSV only; pandas' `thousands=`): one ASCII character, not a digit,
 * a quote or a line break, and not the decimal separator (`1.234,5` takes `--thousands .
 * --decimal ,`). It may be the delimiter when such numbers are quoted (`"1,234"`).
 */
function resolveThousands(format: string, thousands: string | undefined, decimal: ',' | undefined): string | undefined {
  if (thousands === undefined) return undefined;
  if (format !== 'csv') throw invalidArgument('thousands', `a thousands separator applies to CSV only, not ${format.toUpperCase()}`);
  // One byte: DuckDB's limit (a no-break space, as some French exports write, is two in UTF-8).
  if (Buffer.byteLength(thousands) !== 1 || /["\r\n0-9]/.test(thousands)) {
    throw invalidArgument('thousands', `expected one ASCII character, not a digit, a quote or a line break, got ${JSON.stringify(thousands)}`);
  }
  if (thousands === (decimal ?? '.')) throw adviceError('thousands', (say) => `the thousands separator cannot be the decimal separator ${JSON.stringify(decimal ?? '.')}${decimal === undefined ? ` (for 1.234,5 add ${say('decimal', ',')})` : ''}`);
  return thousands;
}

/**
 * The comment character given (CSV only; pandas' `comment=`): a line that starts with it is
 * skipped, and the rest of a line after it. One byte, not the delimiter, a quote or a line break.
 */
function resolveComment(format: string, comment: string | undefined, delimiter: string | undefined, firstFile: string): string | undefined {
  if (comment === undefined) return undefined;
  if (format !== 'csv') throw invalidArgument('comment', `comment lines apply to CSV only, not ${format.toUpperCase()}`);
  if (Buffer.byteLength(comment) !== 1 || /["\r\n]/.test(comment)) throw invalidArgument('comment', `expected one ASCII character, not a quote or a line break, got ${JSON.stringify(comment)}`);
  if ((fileDelimiter(delimiter, firstFile)).includes(comment)) throw invalidArgument('comment', `the comment character ${JSON.stringify(comment)} is in the delimiter`);
  return comment;
}

/**
 * More spellings of a missing value (CSV only), as pandas' `na_values`: in every column, text
 * ones too, each field that is exactly one of them is missing. Undefined when none are given;
 * sorted and without repeats, so that their order does not make another version.
 */
function resolveNaValues(format: string, na: readonly string[] | undefined, delimiter: string | undefined, firstFile: string): string[] | undefined {
  if (na === undefined || na.length === 0) return undefined;
  if (format !== 'csv') throw invalidArgument('na', `missing-value spellings apply to CSV only, not ${format.toUpperCase()}`);
  const d = fileDelimiter(delimiter, firstFile);
  for (const v of na) {
    if (/[\r\n]/.test(v)) throw invalidArgument('na', `a missing-value spelling cannot hold a line break, got ${JSON.stringify(v)}`);
    // DuckDB refuses such a spelling only once it reads ("DELIMITER must not appear in the NULL
    // specification"), which the add reported as a file it could not read.
    if (v.includes(d)) throw adviceError('na', (say) => `a missing-value spelling cannot contain the delimiter ${JSON.stringify(d)}, got ${say('na', v)}`);
    if (v.includes('"')) throw adviceError('na', (say) => `a missing-value spelling cannot contain the quote character '"', got ${say('na', v)}`);
  }
  return [...new Set(na)].sort();
}

/** A strptime format's codes for a time of day: such a format reads timestamps, another dates. */
export const isTimestampFormat = (f: string): boolean => /%[HIMSfgnpzZ]/.test(f);

/**
 * The date format given (CSV only; pandas' `date_format`), a strptime format such as `%m/%d/%Y` or
 * `%d.%m.%Y %H:%M:%S`: the date (or timestamp) columns it reads are read by it, where DuckDB's
 * sniffer would find its own (`05/01/2024` day first). Undefined when none is given.
 */
function resolveDateFormat(format: string, dateFormat: string | undefined): string | undefined {
  if (dateFormat === undefined || dateFormat === '') return undefined;
  if (format !== 'csv') throw invalidArgument('dateFormat', `a date format applies to CSV only, not ${format.toUpperCase()}`);
  if (!/%[dmyYbB]/.test(dateFormat) || /[\r\n]/.test(dateFormat)) {
    throw invalidArgument('dateFormat', `expected a strptime format with a day, month or year in it (%d/%m/%Y, %m/%d/%Y %H:%M:%S), got ${JSON.stringify(dateFormat)}`);
  }
  return dateFormat;
}

/**
 * A CSV without a header line: `header` false (columns `column0`, `column1`, ...), or `names` for
 * its columns, which imply it as pandas' `names=` does. Undefined for a header on the first line.
 */
function resolveHeader(format: string, header: boolean | undefined, names: readonly string[] | undefined): { header: false; names?: string[] } | undefined {
  if (header !== false && (names === undefined || names.length === 0)) return undefined;
  if (format !== 'csv') throw invalidArgument(names ? 'names' : 'header', `a header line applies to CSV only, not ${format.toUpperCase()}`);
  if (names === undefined || names.length === 0) return { header: false };
  const trimmed = names.map((n) => n.trim());
  if (trimmed.some((n) => n === '')) throw invalidArgument('names', `a column name cannot be empty, got ${JSON.stringify(names.join(','))}`);
  // DuckDB's names are case-insensitive: 'a' and 'A' would be one column.
  const seen = new Set<string>();
  for (const n of trimmed) {
    if (seen.has(n.toLowerCase())) throw invalidArgument('names', `column '${n}' is named twice (names are compared without case)`);
    seen.add(n.toLowerCase());
  }
  return { header: false, names: trimmed };
}

/** Lines to skip before the header (CSV only; pandas' `skiprows=N`), checked; undefined for none. */
function resolveSkip(format: string, skip: number | string | undefined): number | undefined {
  if (skip === undefined) return undefined;
  const n = Number(skip);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('skip', `expected a whole number of lines, got ${JSON.stringify(skip)}`);
  if (n === 0) return undefined;
  if (format !== 'csv') throw invalidArgument('skip', `lines to skip apply to CSV only, not ${format.toUpperCase()}`);
  return n;
}

/**
 * The columns to keep (pandas' `usecols`), each named once (as `data head --columns` and
 * loadTable take them), sorted (they are kept in the file's order, so the order given does not
 * make another version); undefined for all.
 */
function resolveColumns(columns: readonly string[] | undefined): string[] | undefined {
  if (columns === undefined || columns.length === 0) return undefined;
  const names = columns.map((c) => c.trim());
  if (names.some((n) => n === '')) throw invalidArgument('columns', `a column name cannot be empty, got ${JSON.stringify(columns.join(','))}`);
  refuseRepeatedColumns(names);
  return [...names].sort();
}

/**
 * Short rows read with their missing trailing fields missing (CSV only; pandas fills them with
 * NaN without a word, Keel refuses them unless asked, as a short row is more often a cut or
 * broken line than a value left out); undefined when not asked.
 */
function resolveFillShortRows(format: string, fill: boolean | undefined): true | undefined {
  if (fill !== true) return undefined;
  if (format !== 'csv') throw invalidArgument('fillShortRows', `filling short rows applies to CSV only, not ${format.toUpperCase()}`);
  return true;
}

/** How to read the files beyond their format. */
export interface ReadOptions {
  /** A CSV's text encoding (default utf-8). */
  readonly encoding?: CsvEncoding;
  /** A CSV's delimiter, when not the default (a tab for .tsv, else a comma). */
  readonly delimiter?: string;
  /** A CSV's decimal separator, when not `.`. */
  readonly decimal?: ',';
  /** A CSV's thousands separator, when it has one. */
  readonly thousands?: string;
  /** A CSV's comment character, when it has one: the rest of a line after it is skipped. */
  readonly comment?: string;
  /** A CSV's spellings of a missing value besides the empty field, in every column (resolveNaValues). */
  readonly na?: readonly string[];
  /** false: a CSV without a header line (its first line is data). */
  readonly header?: false;
  /** The columns' names of a CSV without a header line, in order (else `column0`, `column1`, ...). */
  readonly names?: readonly string[];
  /** Lines of a CSV to skip before its header (a preamble), when some. */
  readonly skip?: number;
  /** The strptime format of a CSV's dates (or timestamps), when given (resolveDateFormat). */
  readonly dateFormat?: string;
  /** true: a CSV's rows with fewer fields than the header are read with the others missing (resolveFillShortRows). */
  readonly fillShortRows?: true;
  /** The only columns to keep, in the file's order (resolveColumns); all when undefined. */
  readonly columns?: readonly string[];
  /** Column types that replace the sniffed or declared ones (`id` as string keeps IDs as text). */
  readonly types?: ReadonlyMap<string, LogicalType>;
  /**
   * Bytes of a CSV line DuckDB reads, raised by Keel after a line longer than its default (never
   * given: it does not change the rows read, so it is not in readIdentity; csv-long-lines.ts).
   */
  readonly maxLineSize?: number;
}


/** Every read option given, checked against the files' format (and the first file's name). */
export function resolveReadOptions(format: string, firstFile: string, given: ReadOptionsGiven): ReadOptions {
  const delimiter = resolveDelimiter(format, given.delimiter, firstFile);
  const decimal = resolveDecimal(format, given.decimal, delimiter, firstFile);
  const thousands = resolveThousands(format, given.thousands, decimal);
  const comment = resolveComment(format, given.comment, delimiter, firstFile);
  const na = resolveNaValues(format, given.na, delimiter, firstFile);
  const skip = resolveSkip(format, given.skip);
  const columns = resolveColumns(given.columns);
  const dateFormat = resolveDateFormat(format, given.dateFormat);
  const fillShortRows = resolveFillShortRows(format, given.fillShortRows);
  return {
    encoding: resolveEncoding(format, given.encoding),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(decimal !== undefined ? { decimal } : {}),
    ...(thousands !== undefined ? { thousands } : {}),
    ...(comment !== undefined ? { comment } : {}),
    ...(na !== undefined ? { na } : {}),
    ...resolveHeader(format, given.header, given.names),
    ...(skip !== undefined ? { skip } : {}),
    ...(columns !== undefined ? { columns } : {}),
    ...(dateFormat !== undefined ? { dateFormat } : {}),
    ...(fillShortRows ? { fillShortRows } : {}),
    types: resolveTypes(given.types),
  };
}

/**
 * What, besides the bytes, decides the data read from them: a non-default encoding, delimiter,
 * decimal or thousands separator, comment character, missing-value spellings, header or lines to
 * skip, the columns kept, a date format, short rows filled, and given types. Empty for the defaults, so a plain add keeps the file's own sha256 as its version.
 */
export function readIdentity(options: ReadOptions): string {
  const types = [...(options.types ?? new Map<string, LogicalType>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...(options.encoding && options.encoding !== 'utf-8' ? [`encoding=${options.encoding}`] : []),
    ...(options.delimiter !== undefined ? [`delimiter=${JSON.stringify(options.delimiter)}`] : []),
    ...(options.decimal !== undefined ? [`decimal=${options.decimal}`] : []),
    ...(options.thousands !== undefined ? [`thousands=${JSON.stringify(options.thousands)}`] : []),
    ...(options.comment !== undefined ? [`comment=${JSON.stringify(options.comment)}`] : []),
    ...(options.na !== undefined ? [`na=${JSON.stringify(options.na)}`] : []),
    ...(options.header === false ? ['header=false'] : []),
    ...(options.names !== undefined ? [`names=${JSON.stringify(options.names)}`] : []),
    ...(options.skip !== undefined ? [`skip=${options.skip}`] : []),
    ...(options.columns !== undefined ? [`columns=${JSON.stringify(options.columns)}`] : []),
    ...(options.dateFormat !== undefined ? [`dateFormat=${JSON.stringify(options.dateFormat)}`] : []),
    ...(options.fillShortRows ? ['fillShortRows'] : []),
    ...types.map(([n, t]) => `type:${n}=${t}`),
  ].join('\n');
}
