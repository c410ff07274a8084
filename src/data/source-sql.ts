/**
 * What the readers of source files share (source-reader.ts for Parquet and JSON, csv-sniff.ts for
 * CSV): the files as DuckDB's argument, the sniffed types and how the given ones apply, and
 * DuckDB's read errors as KeelErrors.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument, KeelError, type DatasetFormat, type LogicalType } from '../core/index.js';
import { isFractionalType, isIntegerType, quoteIdent, quoteString, STORED_TYPE } from './duckdb-sql.js';
import type { ColumnRename } from './column-names.js';
import type { Widening } from './csv-columns.js';
import type { SettleNote } from './csv-date-order.js';
import { numberText, type NumberFormat } from './csv-number-text.js';
import { adviceError, type Say } from './advice-error.js';

/** The files as DuckDB's argument: one path, or a list (whose rows come one file after the other). */
export const filesArg = (files: readonly string[]): string => (files.length === 1 ? quoteString(files[0]!) : `[${files.map(quoteString).join(', ')}]`);

export type SniffedType = { readonly name: string; readonly duckType: string };

/** The types as the struct literal DuckDB's readers take (`columns =`, `types =`). */
export const typeStruct = (ts: readonly SniffedType[]): string => `{${ts.map((t) => `${quoteString(t.name)}: ${quoteString(t.duckType)}`).join(', ')}}`;

/** The columns' types, the read, and (CSV) how to widen a column after a value did not fit. */
/** A note on how a column was typed, for the user. */
export interface ColumnNote {
  readonly column: string;
  readonly message: string;
}

export interface Sniffed {
  readonly types: SniffedType[];
  readonly source: string;
  readonly widen?: (error: unknown) => Promise<{ sniffed: Sniffed; widening: Widening } | undefined>;
  /** The columns whose names in the file could not stay (column-names.ts). */
  readonly renames?: readonly ColumnRename[];
  /** What the user should hear of how columns were typed (a date read one way where another would do). */
  readonly notes?: readonly ColumnNote[];
  /** With a given date format (a CSV's `dateFormat`): the columns read by it. */
  readonly byDateFormat?: readonly string[];
  /** Notes on date columns whose order the rows read may settle (csv-date-order.ts). */
  readonly settles?: readonly SettleNote[];
  /** After the read succeeded: fails as the read should have when it missed a key (json-late-keys.ts). */
  readonly verify?: (con: DuckDBConnection) => Promise<void>;
}

/**
 * The read with each given type applied to its column (a value that does not fit it fails the
 * add), and the `checks` (column name to SQL expression) replacing their columns. (The select
 * list names every column: DuckDB binds `SELECT * REPLACE (...)` in time that grows with columns
 * times replacements, 4.7 s for 667 checks among 2,000 columns, against 0.14 s.)
 */
export function withGivenTypes(read: string, declared: readonly SniffedType[], given: ReadonlyMap<string, LogicalType>, checks: ReadonlyMap<string, string> = new Map(), numbers: NumberFormat = {}): Sniffed {
  const conversion = (t: SniffedType): string | undefined => {
    const to = given.get(t.name);
    return to !== undefined ? convertExpr(t.name, t.duckType, to, numbers) : checks.get(t.name);
  };
  const types = declared.map((t) => (given.has(t.name) ? { ...t, duckType: STORED_TYPE[given.get(t.name)!] } : t));
  if (!declared.some((t) => conversion(t) !== undefined)) return { types, source: read };
  const list = declared.map((t) => {
    const expr = conversion(t);
    return expr === undefined ? quoteIdent(t.name) : `${expr} AS ${quoteIdent(t.name)}`;
  });
  return { types, source: `(SELECT ${list.join(', ')} FROM ${read})` };
}

/**
 * SQL turning column `name` (DuckDB type `from`) into the logical type `to`. Into `int` only whole
 * numbers pass: DuckDB's own cast rounds ('1.5' becomes 2), where pandas' int dtype refuses.
 */
function convertExpr(name: string, from: string, to: LogicalType, numbers: NumberFormat): string {
  const x = quoteIdent(name);
  const target = STORED_TYPE[to];
  // Text with a decimal comma or thousands separators: the DOUBLE cast reads neither.
  if (to === 'float' && from === 'VARCHAR' && (numbers.decimal ?? numbers.thousands) !== undefined) return `CAST(${numberText(x, numbers)} AS DOUBLE)`;
  // A time with a UTC offset or Z is that instant in UTC: DuckDB's cast to TIMESTAMP drops the
  // offset (12:00+02:00 became 12:00). The cast to TIMESTAMPTZ keeps it; AT TIME ZONE 'UTC' makes
  // it UTC whatever DuckDB's session time zone. Without an offset, the time is taken as written.
  if (to === 'timestamp' && from === 'VARCHAR') return `CASE WHEN regexp_matches(${x}, ${quoteString(WITH_OFFSET)}) THEN ${x}::TIMESTAMPTZ AT TIME ZONE 'UTC' ELSE ${x}::TIMESTAMP END`;
  if (to !== 'int' || isIntegerType(from)) return `CAST(${x} AS ${target})`;
  const refuse = `error(${quoteString(`column '${name}' was given the type int, but holds `)} || ${x}::VARCHAR || ', which is not a whole number')`;
  if (isFractionalType(from)) return `CASE WHEN ${x} IS NULL THEN NULL WHEN isfinite(${x}::DOUBLE) AND ${x} = trunc(${x}) THEN ${x}::BIGINT ELSE ${refuse} END`;
  if (from === 'VARCHAR') {
    // As pandas' int64 dtype: whole numbers, also written as decimals (`1.0`, `2.00`, `1e3`); from
    // the text itself where a DOUBLE could not hold them exactly (beyond 2^53).
    const t = numberText(x, numbers);
    const d = `TRY_CAST(${t} AS DOUBLE)`;
    const whole = `WHEN regexp_full_match(${t}, '[+-]?[0-9]+') THEN ${t}::BIGINT WHEN regexp_full_match(${t}, '[+-]?[0-9]+[.]0*') THEN regexp_replace(${t}, '[.]0*$', '')::BIGINT`;
    const decimal = `WHEN isfinite(${d}) AND ${d} = trunc(${d}) AND abs(${d}) < 9007199254740992 THEN ${d}::BIGINT`;
    return `CASE WHEN ${x} IS NULL THEN NULL ${whole} ${decimal} ELSE ${refuse} END`;
  }
  return `CAST(${x} AS ${target})`;
}

/** A time with seconds, then Z or a UTC offset (`+02:00`, `-0500`, `+01`), at the end of the text. */
const WITH_OFFSET = '[T ][0-9]{1,2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?\\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$';

/** Runs SQL that reads the user's file, turning DuckDB's parse errors into INVALID_ARGUMENT. */
export async function runSource(con: DuckDBConnection, sql: string, format: DatasetFormat, files?: readonly string[]): ReturnType<DuckDBConnection['runAndReadAll']> {
  try {
    return await con.runAndReadAll(sql);
  } catch (e) {
    throw sourceError(e, format, files);
  }
}

/**
 * DuckDB's error reading the user's `files` (when known) as a KeelError naming the file, the line
 * and the problem where DuckDB tells them.
 */
export function sourceError(e: unknown, format: DatasetFormat, files: readonly string[] = []): KeelError {
  if (e instanceof KeelError) return e;
  const msg = (e as Error).message ?? String(e);
  // DuckDB's own message names the line and the problem; keep its first lines.
  // (Without the SQL DuckDB quotes after "LINE 1:": Keel wrote it, not the user.)
  const short = msg.split(/\nLINE \d+:/)[0]!.split('\n').filter((l) => l.trim() !== '').slice(0, 4).join(' ').slice(0, 600);
  // DuckDB's sniffer lists the dialects it tried; what the user needs to hear is the likely cause.
  if (format === 'csv' && /This file is not utf-8 encoded/.test(msg)) {
    return adviceError('file', (say) => `not UTF-8 text (${short.replace(/^.*?(CSV Error on Line: \d+).*$/, '$1')}): pass ${say('encoding', 'latin-1')} (or utf-16)`, e);
  }
  // --names with more names than the file has columns: the sniffer finds no header to fit them.
  const names = format === 'csv' ? /sniffing file "(.+?)"[\s\S]*?header having less columns than expected\s+Number of expected columns: (\d+)\. Actual number of columns (\d+)/.exec(msg) : null;
  if (names) return namesCountError([names[1]!], Number(names[3]), Number(names[2]), e);
  const duplicate = format !== 'csv' ? duplicateKeyError(msg) : undefined;
  if (duplicate !== undefined) return invalidArgument('file', duplicate, e);
  const row = format === 'csv' ? rowError(msg) : undefined;
  if (row !== undefined) return adviceError('file', (say) => `not a readable CSV file: ${row(say)}`, e);
  if (format === 'csv' && /not possible to automatically detect the CSV parsing dialect/.test(msg)) {
    return adviceError('file', (say) => `not a readable CSV file: its rows do not all have the header's fields (a row with more or fewer fields than the first line, or an unclosed quote? Lines above the header: ${say('skip', 'N')})`, e);
  }
  if (format !== 'csv') {
    const json = format === 'parquet' ? undefined : jsonReadError(msg, format, e);
    if (json) return json;
  }
  // DuckDB names the file in most of its messages, not in all (a damaged Parquet footer's
  // `TProtocolException: Invalid data`): then the one file is named here.
  const named = files.length === 1 && !short.includes(files[0]!) ? `'${basename(files[0]!)}' is ` : '';
  const damaged = format === 'parquet' ? ' (cut short or damaged?)' : '';
  return new KeelError('INVALID_ARGUMENT', `file: ${named}not a readable ${format.toUpperCase()} file${damaged}: ${short.replace(/^Invalid (Input )?Error: /, '')}`, { field: 'file', cause: e });
}

/**
 * DuckDB's JSON errors that need saying otherwise: a malformed object (its line, or its place in
 * an array), and one larger than its buffer (json-shape.ts); undefined for others.
 */
function jsonReadError(msg: string, format: 'json' | 'ndjson', cause: unknown): KeelError | undefined {
  const size = /"maximum_object_size" of \d+ bytes exceeded while reading file "(.+?)"/.exec(msg);
  if (size) {
    const shape = format === 'json' ? `; if it is one object of columns, as pandas' to_json() writes by default, write it as rows: df.to_json(path, orient='records', lines=True)` : '';
    return invalidArgument('file', `'${basename(size[1]!)}' holds a JSON object of more than 16 MiB, which Keel does not read as one row (each row is an object: an NDJSON line, or an element of a JSON array)${shape}`, cause);
  }
  const bad = /Malformed JSON in file "(.+?)", at byte (\d+) in (line|record\/value) (\d+): ([^.\n]*)/.exec(msg);
  if (bad) {
    const [, file, , unit, at, problem] = bad;
    // yyjson reads on past an object left open, so DuckDB names the line after it then. In an
    // array DuckDB counts one object more than there are up to the bad one (`[{"a": x}]` is its
    // record 2), and an array left open at the end past its last object.
    const value = opensArray(file!) === false ? 'its value' : "the array's object";
    const where = unit === 'line' ? `line ${at} (or the line before it, when that one leaves an object open)` : `${value} ${Number(at) - 1} (or the one before it, when that one leaves an object open)`;
    return invalidArgument('file', `'${basename(file!)}' is not valid JSON at ${where}: ${problem!.trim()}`, cause);
  }
  return undefined;
}

/**
 * Whether a JSON file opens an array (its first character past blanks is `[`), from its first
 * 4 KiB (a `.gz` file's decompressed); undefined when that cannot be told. DuckDB counts the values
 * of a file that is no array (`{...} {...}`, or text that is not JSON) as it counts an array's
 * objects, which the error then called "the array's object" of a file without one.
 */
function opensArray(file: string): boolean | undefined {
  try {
    const fd = openSync(file, 'r');
    try {
      const raw = Buffer.alloc(4096);
      let head = raw.subarray(0, readSync(fd, raw, 0, raw.length, 0));
      if (/\.gz$/i.test(file)) head = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      const first = /\S/.exec(head.toString('utf8'))?.[0];
      return first === undefined ? undefined : first === '[';
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The error of --names that are more or fewer than the columns of `files`. */
export function namesCountError(files: readonly string[], columns: number, names: number, cause?: unknown): KeelError {
  const where = files.length === 1 ? `'${basename(files[0]!)}' has` : 'the files have';
  return invalidArgument('names', `${names} name${names === 1 ? ' is' : 's are'} given, but ${where} ${columns} column${columns === 1 ? '' : 's'}`, cause);
}

/**
 * What DuckDB's JSON read error says of an object with a key twice (its hint, setting
 * 'auto_detect' and the like, is no help): the file, the row, the key; undefined for other errors.
 */
export function duplicateKeyError(message: string): string | undefined {
  const found = /JSON transform error in file "(.+?)", in (line|record\/value) (\d+): Object [\s\S]*? has duplicate key "([\s\S]*?)"(?= Try|\n|$)/.exec(message);
  if (!found) return undefined;
  const [, file, unit, at, key] = found;
  return `'${basename(file!)}' has an object with the key ${JSON.stringify(key)} twice (${unit === 'line' ? 'line' : 'row'} ${at}); a key may appear once in an object`;
}

/**
 * What a DuckDB CSV read error says of a row that does not fit the header: its line and field
 * count, or its unclosed quote, its advice naming options with `say` (adviceError); undefined for
 * other errors.
 */
export function rowError(message: string): ((say: Say) => string) | undefined {
  const number = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  if (number === undefined) return undefined;
  // DuckDB lists its options after the message, the file among them: one of several, say.
  const file = /\n\s*file = (.+)\n/.exec(message)?.[1];
  const line = file === undefined ? number : `${number} of ${basename(file)}`;
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (counts) {
    const expected = Number(counts[1]), found = Number(counts[2]);
    // DuckDB stops counting a long row's fields one past the header's.
    if (found > expected) return (say) => `line ${line} has more than ${expected} fields, the header's count (a delimiter inside an unquoted field? Lines above the header: ${say('skip', 'N')})`;
    return (say) => `line ${line} has ${found} field${found === 1 ? '' : 's'} where the header has ${expected} (a short row, or a quote left open above it? Lines above the header: ${say('skip', 'N')}; to read short rows with their missing fields missing, as pandas does: ${say('fillShortRows')})`;
  }
  if (/unterminated quote/.test(message)) return () => `line ${line} opens a quote that is never closed`;
  return undefined;
}

/**
 * The DuckDB table function that reads Parquet or JSON files (CSV: sniffCsv). Several files are
 * matched by column name, a column missing from some of them being missing there.
 */
export function sourceSql(files: readonly string[], format: Exclude<DatasetFormat, 'csv'>, jsonOptions = ''): string {
  const p = filesArg(files);
  const byName = files.length > 1 ? ', union_by_name = true' : '';
  switch (format) {
    case 'parquet':
      return `read_parquet(${p}${byName})`;
    case 'json':
      return `read_json(${p}, format = 'auto'${byName}${jsonOptions})`;
    case 'ndjson':
      return `read_json(${p}, format = 'newline_delimited'${byName}${jsonOptions})`;
  }
}
