import { open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatOfName, invalidArgument, isDatasetFormat, KeelError, DATASET_FORMATS, type DatasetFormat } from '../core/index.js';
import { FRACTIONAL_TYPE, INTEGER_TYPE, mapDuckDbType, quoteIdent, quoteString, STORED_TYPE } from './duckdb-sql.js';
import type { LogicalType } from '../core/index.js';
import { checkExpr, firstRead, isNaSql, numberText, readType, storedType, widen, type CsvColumn, type CsvRead, type Widening } from './csv-columns.js';
import { isTsv, type ReadOptions } from './read-options.js';

/** The format given, or the one the file name implies; an unknown one names the known ones. */
export function resolveFormat(path: string, format: string | undefined): DatasetFormat {
  if (format !== undefined) {
    if (!isDatasetFormat(format)) throw invalidArgument('format', `unknown format '${format}' (known: ${DATASET_FORMATS.join(', ')})`);
    return format;
  }
  const found = formatOfName(path);
  if (!found) throw invalidArgument('format', `cannot tell the format of '${path}' from its name; pass --format (known: ${DATASET_FORMATS.join(', ')})`);
  return found;
}

/**
 * How every CSV is read, as pandas reads it: a header on the first line, a fixed delimiter and
 * RFC 4180 quotes (`"`, doubled inside a field). Left to sniff these, DuckDB reads a broken CSV as
 * one text column, skips the rows above the first one it likes and takes that for the header, or
 * (when its sample holds no quote) reads no quotes at all and fails on a quoted field further down.
 */
function csvOptions(path: string, read: ReadOptions): string {
  const delim = quoteString(read.delimiter ?? (isTsv(path) ? '\t' : ','));
  const decimal = read.decimal === undefined ? '' : `, decimal_separator = ${quoteString(read.decimal)}`;
  return `header = true, skip = 0, delim = ${delim}, quote = '"', escape = '"', strict_mode = true, encoding = '${read.encoding ?? 'utf-8'}'${decimal}`;
}

/** The files as DuckDB's argument: one path, or a list (whose rows come one file after the other). */
const filesArg = (files: readonly string[]): string => (files.length === 1 ? quoteString(files[0]!) : `[${files.map(quoteString).join(', ')}]`);

/**
 * The DuckDB table function that reads Parquet or JSON files (CSV: sniffCsv). Several files are
 * matched by column name, a column missing from some of them being missing there.
 */
function sourceSql(files: readonly string[], format: Exclude<DatasetFormat, 'csv'>, jsonOptions = ''): string {
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

export interface SourceColumn {
  readonly name: string;
  readonly duckType: string;
  readonly type: LogicalType;
  readonly storeExpr: string;
}

/** The file's columns, and the table function to read all of it with (CSV: its types fixed, so the read does not sniff again). */
export interface DescribedSource {
  readonly columns: SourceColumn[];
  readonly source: string;
  /**
   * After the read failed: the source with wider types where a value did not fit the type taken
   * from the sampled rows (a CSV column, csv-columns.ts; a JSON file's types then come from all
   * its rows), or undefined when the error is another.
   */
  widen(error: unknown): Promise<{ source: DescribedSource; widening: Widening } | undefined>;
}

/** Sniffs the files' columns (DuckDB reads only a sample here), applies the given types and maps them. */
export async function describeSource(con: DuckDBConnection, files: readonly string[], format: DatasetFormat, options: ReadOptions = {}): Promise<DescribedSource> {
  const given = options.types ?? new Map<string, LogicalType>();
  const sniffed = format === 'csv' ? await sniffCsv(con, files, options, given) : await describeOther(con, files, format, given);
  if (sniffed.types.length === 0) throw invalidArgument('file', 'the file has no columns');
  const unknown = [...given.keys()].filter((n) => !sniffed.types.some((t) => t.name === n));
  if (unknown.length > 0) throw invalidArgument('types', `no column ${unknown.map((n) => `'${n}'`).join(', ')} in the file (columns: ${sniffed.types.map((t) => t.name).join(', ')})`);
  return described(sniffed);
}

function described(sniffed: Sniffed): DescribedSource {
  const columns = sniffed.types.map(({ name, duckType }) => {
    const mapping = mapDuckDbType(duckType);
    if (!mapping) {
      throw new KeelError('INVALID_ARGUMENT', `column '${name}' has type ${duckType}, which Keel datasets cannot hold (supported: numbers, booleans, strings, dates and timestamps)`, { field: `columns.${name}` });
    }
    return { name, duckType, type: mapping.type, storeExpr: `${mapping.storeExpr(name)} AS ${quoteIdent(name)}` };
  });
  return {
    columns,
    source: sniffed.source,
    async widen(error) {
      const next = await sniffed.widen?.(error);
      return next && { source: described(next.sniffed), widening: next.widening };
    },
  };
}

type SniffedType = { readonly name: string; readonly duckType: string };

/** The types as the struct literal DuckDB's readers take (`columns =`, `types =`). */
const typeStruct = (ts: readonly SniffedType[]): string => `{${ts.map((t) => `${quoteString(t.name)}: ${quoteString(t.duckType)}`).join(', ')}}`;

/** The columns' types, the read, and (CSV) how to widen a column after a value did not fit. */
interface Sniffed {
  readonly types: SniffedType[];
  readonly source: string;
  readonly widen?: (error: unknown) => Promise<{ sniffed: Sniffed; widening: Widening } | undefined>;
}

/**
 * Parquet and JSON: the types the files declare, and the given types applied. DuckDB takes a
 * JSON file's types from its first 20,480 rows; when a later value does not fit them, the read
 * fails, and widen() takes the types from all rows (one more pass, only then).
 */
async function describeOther(con: DuckDBConnection, files: readonly string[], format: Exclude<DatasetFormat, 'csv'>, given: ReadonlyMap<string, LogicalType>, allRows = false): Promise<Sniffed> {
  const plain = sourceSql(files, format, allRows ? ', sample_size = -1' : '');
  const declared = (await runSource(con, `DESCRIBE SELECT * FROM ${plain}`, format)).getRows().map((r) => ({ name: String(r[0]), duckType: String(r[1]) }));
  // With all rows sampled, the read is given the types found, so that it does not sample them again.
  const read = allRows ? sourceSql(files, format, `, columns = ${typeStruct(declared)}`) : plain;
  const sniffed = withGivenTypes(read, declared, given);
  if (format === 'parquet' || allRows) return sniffed;
  return {
    ...sniffed,
    async widen(error) {
      const line = /JSON transform error in file .*?, in line (\d+)/.exec((error as Error | undefined)?.message ?? '')?.[1];
      if (line === undefined) return undefined;
      const message = `a value on line ${line} does not fit the types of the first rows, so the types come from all rows`;
      return { sniffed: await describeOther(con, files, format, given, true), widening: { message, line: Number(line) } };
    },
  };
}

/**
 * The read with each given type applied to its column (a value that does not fit it fails the
 * add), and the `checks` (`expr AS name`) replacing their columns.
 */
function withGivenTypes(read: string, declared: readonly SniffedType[], given: ReadonlyMap<string, LogicalType>, checks: readonly string[] = [], decimal?: ','): Sniffed {
  const conversions = [...checks, ...declared.filter((t) => given.has(t.name)).map((t) => `${convertExpr(t.name, t.duckType, given.get(t.name)!, decimal)} AS ${quoteIdent(t.name)}`)];
  const types = declared.map((t) => (given.has(t.name) ? { ...t, duckType: STORED_TYPE[given.get(t.name)!] } : t));
  return { types, source: conversions.length === 0 ? read : `(SELECT * REPLACE (${conversions.join(', ')}) FROM ${read})` };
}

/**
 * SQL turning column `name` (DuckDB type `from`) into the logical type `to`. Into `int` only whole
 * numbers pass: DuckDB's own cast rounds ('1.5' becomes 2), where pandas' int dtype refuses.
 */
function convertExpr(name: string, from: string, to: LogicalType, decimal?: ','): string {
  const x = quoteIdent(name);
  const target = STORED_TYPE[to];
  // Text with a decimal comma: the DOUBLE cast reads a point.
  if (to === 'float' && from === 'VARCHAR' && decimal !== undefined) return `CAST(${numberText(x, decimal)} AS DOUBLE)`;
  if (to !== 'int' || INTEGER_TYPE.test(from)) return `CAST(${x} AS ${target})`;
  const refuse = `error(${quoteString(`column '${name}' was given the type int, but holds `)} || ${x}::VARCHAR || ', which is not a whole number')`;
  if (FRACTIONAL_TYPE.test(from)) return `CASE WHEN ${x} IS NULL THEN NULL WHEN isfinite(${x}::DOUBLE) AND ${x} = trunc(${x}) THEN ${x}::BIGINT ELSE ${refuse} END`;
  if (from === 'VARCHAR') return `CASE WHEN ${x} IS NULL THEN NULL WHEN regexp_full_match(trim(${x}), '[+-]?[0-9]+') THEN trim(${x})::BIGINT ELSE ${refuse} END`;
  return `CAST(${x} AS ${target})`;
}

/** Infinities and NaN as pandas and DuckDB's cast read them; DuckDB's sniffer takes a first value among them for text. */
const NON_FINITE_SPELLINGS = ['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity', 'nan', '+nan', '-nan'];
/** Rows DuckDB's sniffer reads at most (its default sample_size). */
const SNIFF_ROWS = 20_480;
/**
 * Bytes of rows the sniffer reads at most: on a wide file, 20,480 rows are most of the file, read
 * on one thread (0.5-0.7 s of a 60 MB, 300-column file). A value past the sniffed rows that does
 * not fit costs a second read (csv-columns.ts), not a wrong type.
 */
const SNIFF_BYTES = 4 << 20;
/** Rows of a first, cheap look at the text columns (one DuckDB vector). */
const FIRST_ROWS = 2_048;

/**
 * The CSV's column types as DuckDB sniffs them on a sample, and a read of the whole file with
 * those types and date formats fixed (auto_detect off: the read skips a second sniff, ~15 % of
 * the parse; several files are each sniffed, see below). A text column whose sampled values are
 * all numbers but for an infinity or NaN spelling is read as DOUBLE, and one whose values are
 * numbers or NA spellings (`NA`, `null`, ...) as numbers with those missing, as pandas reads them.
 */
async function sniffCsv(con: DuckDBConnection, files: readonly string[], readOptions: ReadOptions, given: ReadonlyMap<string, LogicalType>): Promise<Sniffed> {
  const path = files[0]!;
  const p = filesArg(files);
  const options = csvOptions(path, readOptions);
  const { decimal } = readOptions;
  let sniffed: { name: string; type: string }[];
  let read: (ts: readonly SniffedType[]) => string;
  const sampleRows = await sniffRows(path);
  if (files.length === 1) {
    const row = (await runSource(con, `SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(${quoteString(path)}, ${options}, sample_size = ${sampleRows})`, 'csv')).getRows()[0]!;
    sniffed = (row[0] as { items: { entries: { name: string; type: string } }[] }).items.map(({ entries }) => entries);
    const formats = [row[1] === null ? '' : `, dateformat = ${quoteString(String(row[1]))}`, row[2] === null ? '' : `, timestampformat = ${quoteString(String(row[2]))}`].join('');
    read = (ts) => `read_csv(${p}, ${options}, auto_detect = false, columns = ${typeStruct(ts)}${formats})`;
  } else {
    // Several files: each is sniffed, and their columns are matched by the names in their headers
    // (read by position, a part whose header orders the columns differently would put its
    // values under the wrong names). The types found replace the sniffed ones.
    const byName = `read_csv(${p}, ${options}, union_by_name = true, sample_size = ${sampleRows}`;
    sniffed = (await runSource(con, `DESCRIBE SELECT * FROM ${byName})`, 'csv')).getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    read = (ts) => `${byName}, types = ${typeStruct(ts)})`;
  }
  // A column with a given type is read as text, then converted (withGivenTypes).
  const types = sniffed.map(({ name, type }) => ({ name, duckType: given.has(name) ? 'VARCHAR' : type }));
  // Text columns that hold only numbers, with an infinity, NaN or NA spelling among them, are
  // numbers. Most text columns show text in their first rows, so those are checked first (the
  // sniffed rows of a wide file take ~0.5 s to read again).
  const text = types.filter((t) => t.duckType === 'VARCHAR' && !given.has(t.name));
  const headNumeric = (await numericTextColumns(con, read(types), text, FIRST_ROWS, decimal, false)).filter((c) => c.numeric).map((c) => c.column);
  const numbers = new Map((await numericTextColumns(con, read(types), headNumeric, sampleRows, decimal, true)).flatMap((c) => (c.numeric && c.read ? [[c.column.name, c.read] as const] : [])));
  const columns = types.map((t): CsvColumn => {
    const asNumber = numbers.get(t.name);
    return asNumber ? { name: t.name, sniffed: t.duckType, read: asNumber } : firstRead(t.name, t.duckType);
  });
  return csvSniffed(read, columns, given, decimal);
}

/** The read of the CSV columns as they are now, and how to widen one (csv-columns.ts). */
function csvSniffed(read: (ts: readonly SniffedType[]) => string, cols: readonly CsvColumn[], given: ReadonlyMap<string, LogicalType>, decimal: ',' | undefined): Sniffed {
  const checks = cols.flatMap((c, i) => {
    const check = checkExpr(c, i, decimal);
    return check === undefined ? [] : [`${check} AS ${quoteIdent(c.name)}`];
  });
  const readTypes = cols.map((c) => ({ name: c.name, duckType: readType(c) }));
  const sniffed = withGivenTypes(read(readTypes), cols.map((c) => ({ name: c.name, duckType: storedType(c) })), given, checks, decimal);
  return {
    ...sniffed,
    async widen(error) {
      const next = widen(cols, error);
      return next && { sniffed: csvSniffed(read, next.columns, given, decimal), widening: next.widening };
    },
  };
}

/**
 * For each column of the first `rows` rows: are all its values numbers or NA spellings, and (with
 * `detail`) if so, how to read it: `float` when an infinity or NaN is spelled (DuckDB's DOUBLE
 * reads those), as text (NA as missing) when an NA spelling is, `whole-text` if the numbers are
 * all whole. Without `detail` only the first question is asked: the cheap look at every text
 * column (a regular expression per value took 0.3 s over a wide file's 60 text columns).
 */
async function numericTextColumns(con: DuckDBConnection, read: string, cols: readonly SniffedType[], rows: number, decimal: ',' | undefined, detail: boolean): Promise<{ column: SniffedType; numeric: boolean; read?: CsvRead }[]> {
  if (cols.length === 0) return [];
  const spelled = `(${NON_FINITE_SPELLINGS.map(quoteString).join(', ')})`;
  const aggregates = cols.flatMap((t) => {
    const v = quoteIdent(t.name);
    const asDouble = `TRY_CAST(${numberText(v, decimal)} AS DOUBLE)`;
    if (!detail) return [`bool_and(${asDouble} IS NOT NULL OR ${isNaSql(v)})`];
    const number = `${v} IS NOT NULL AND NOT ${isNaSql(v)}`;
    return [
      `bool_and(${asDouble} IS NOT NULL) FILTER (WHERE ${number})`,
      `bool_or(lower(trim(${v})) IN ${spelled})`,
      `bool_or(${isNaSql(v)})`,
      `bool_and(regexp_full_match(trim(${v}), '[+-]?[0-9]+')) FILTER (WHERE ${number})`,
    ];
  });
  // Only these columns: DuckDB then skips converting the others' fields.
  const sample = `SELECT ${cols.map((t) => quoteIdent(t.name)).join(', ')} FROM ${read} LIMIT ${rows}`;
  const row = (await runSource(con, `SELECT ${aggregates.join(', ')} FROM (${sample})`, 'csv')).getRows()[0]!;
  // All missing (NULL) counts as numeric: the later rows decide.
  if (!detail) return cols.map((column, k) => ({ column, numeric: row[k] !== false }));
  return cols.map((column, k) => {
    const [numbers, nonFinite, na, whole] = row.slice(4 * k, 4 * k + 4);
    const read: CsvRead | undefined = na === true ? (whole === true ? 'whole-text' : 'float-text') : nonFinite === true ? 'float' : undefined;
    return { column, numeric: numbers !== false, ...(read ? { read } : {}) };
  });
}

/** Runs SQL that reads the user's file, turning DuckDB's parse errors into INVALID_ARGUMENT. */
export async function runSource(con: DuckDBConnection, sql: string, format: DatasetFormat): ReturnType<DuckDBConnection['runAndReadAll']> {
  try {
    return await con.runAndReadAll(sql);
  } catch (e) {
    throw sourceError(e, format);
  }
}

export function sourceError(e: unknown, format: DatasetFormat): KeelError {
  if (e instanceof KeelError) return e;
  const msg = (e as Error).message ?? String(e);
  // DuckDB's own message names the line and the problem; keep its first lines.
  // (Without the SQL DuckDB quotes after "LINE 1:": Keel wrote it, not the user.)
  const short = msg.split(/\nLINE \d+:/)[0]!.split('\n').filter((l) => l.trim() !== '').slice(0, 4).join(' ').slice(0, 600);
  // DuckDB's sniffer lists the dialects it tried; what the user needs to hear is the likely cause.
  if (format === 'csv' && /This file is not utf-8 encoded/.test(msg)) {
    return new KeelError('INVALID_ARGUMENT', `file: not UTF-8 text (${short.replace(/^.*?(CSV Error on Line: \d+).*$/, '$1')}): pass --encoding latin-1 (or utf-16)`, { field: 'file', cause: e });
  }
  if (format === 'csv' && /not possible to automatically detect the CSV parsing dialect/.test(msg)) {
    return new KeelError('INVALID_ARGUMENT', "file: not a readable CSV file: its rows do not all have the header's fields (a row with more or fewer fields than the first line, or an unclosed quote?)", { field: 'file', cause: e });
  }
  return new KeelError('INVALID_ARGUMENT', `file: not a readable ${format.toUpperCase()} file: ${short}`, { field: 'file', cause: e });
}

/** The rows to sniff: SNIFF_ROWS, or fewer when they would take more than SNIFF_BYTES (by the first MiB's rows). */
async function sniffRows(path: string): Promise<number> {
  if (!/\.(csv|tsv|txt)$/i.test(path)) return SNIFF_ROWS;
  const head = Buffer.alloc(1 << 20);
  const fh = await open(path, 'r');
  let bytes;
  try {
    ({ bytesRead: bytes } = await fh.read(head, 0, head.length, 0));
  } finally {
    await fh.close();
  }
  let lines = 0;
  for (let i = head.indexOf(10); i >= 0 && i < bytes; i = head.indexOf(10, i + 1)) lines++;
  if (lines < 2 || bytes < head.length) return SNIFF_ROWS;
  return Math.max(FIRST_ROWS, Math.min(SNIFF_ROWS, Math.floor((SNIFF_BYTES * lines) / bytes)));
}
