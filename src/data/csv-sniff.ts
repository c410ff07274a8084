/**
 * How a CSV's columns are typed before the read: DuckDB's sniffer on a sample, then Keel's checks
 * of the text columns (numbers with NA or infinity spellings), and the read of the whole file with
 * those types fixed, ready to widen a column (csv-columns.ts).
 */
import { open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { quoteIdent, quoteString } from './duckdb-sql.js';
import { BY_VALUES_AGGREGATES, byValuesAggregates, byValuesRead, checkExpr, firstRead, isNaSql, numberText, readType, storedType, widen, type CsvColumn, type CsvRead } from './csv-columns.js';
import { isTsv, type ReadOptions } from './read-options.js';
import { filesArg, runSource, typeStruct, withGivenTypes, type Sniffed, type SniffedType } from './source-sql.js';

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
 * A column without a value in the sampled rows takes its type from its values (csv-columns.ts).
 */
export async function sniffCsv(con: DuckDBConnection, files: readonly string[], readOptions: ReadOptions, given: ReadonlyMap<string, LogicalType>): Promise<Sniffed> {
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
  return csvSniffed(con, read, columns, given, decimal);
}

/** The read of the CSV columns as they are now, and how to widen one (csv-columns.ts). */
function csvSniffed(con: DuckDBConnection, read: (ts: readonly SniffedType[]) => string, cols: readonly CsvColumn[], given: ReadonlyMap<string, LogicalType>, decimal: ',' | undefined): Sniffed {
  const checks = cols.flatMap((c, i) => {
    const check = checkExpr(c, i, decimal);
    return check === undefined ? [] : [`${check} AS ${quoteIdent(c.name)}`];
  });
  const readTypes = cols.map((c) => ({ name: c.name, duckType: readType(c) }));
  const sniffed = withGivenTypes(read(readTypes), cols.map((c) => ({ name: c.name, duckType: storedType(c) })), given, checks, decimal);
  return {
    ...sniffed,
    async widen(error) {
      // Columns empty in the sniffed rows, typed by all their values: one pass over only them.
      const byValues = async (empty: readonly CsvColumn[]) => {
        const sql = `SELECT ${empty.flatMap((c) => byValuesAggregates(c, decimal)).join(', ')} FROM (SELECT ${empty.map((c) => quoteIdent(c.name)).join(', ')} FROM ${read(readTypes)})`;
        const row = (await runSource(con, sql, 'csv')).getRows()[0]!;
        return empty.map((c, k) => byValuesRead(c, row.slice(k * BY_VALUES_AGGREGATES, (k + 1) * BY_VALUES_AGGREGATES)));
      };
      const next = await widen(cols, error, byValues);
      return next && { sniffed: csvSniffed(con, read, next.columns, given, decimal), widening: next.widening };
    },
  };
}

/**
 * For each column of the first `rows` rows: are all its values numbers or NA spellings, and (with
 * `detail`) if so, how to read it: `float` when an infinity or NaN is spelled (DuckDB's DOUBLE
 * reads those), as text (NA as missing) when an NA spelling is, `whole-text` if the numbers are
 * all whole; `empty` when the column holds no value at all. Without `detail` only the first question is asked: the cheap look at every text
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
    const read: CsvRead | undefined = na === true ? (whole === true ? 'whole-text' : 'float-text') : nonFinite === true ? 'float' : numbers === null ? 'empty' : undefined;
    return { column, numeric: numbers !== false, ...(read ? { read } : {}) };
  });
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
