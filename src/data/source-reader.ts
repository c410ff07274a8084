/**
 * What a source file holds before it is read: its format, its columns with their types (CSV:
 * csv-sniff.ts), and the read of all of it, which can widen its types after a value did not fit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatOfName, invalidArgument, isDatasetFormat, KeelError, DATASET_FORMATS, type DatasetFormat, type LogicalType } from '../core/index.js';
import { BEYOND_INT, isNestedType, mapDuckDbType, misfitValue, quoteIdent } from './duckdb-sql.js';
import { unknownColumnHints, type ColumnRename } from './column-names.js';
import type { Widening } from './csv-columns.js';
import { sniffRows } from './csv-sample.js';
import { sniffCsv } from './csv-sniff.js';
import { unusedDateFormatNote } from './csv-date-formats.js';
import { SPACE_LINES } from './csv-space-lines.js';
import { withRewrites } from './csv-rewrites.js';
import { intChecks, JSON_INT, JSON_SAMPLE_ROWS, longWholeColumns } from './json-numbers.js';
import { lateKeyCheck } from './json-late-keys.js';
import { assertNoBom, assertRecords, assertRowsShape, mayBeTable } from './json-shape.js';
import { tableAsRows, tableError, type TableRows } from './json-table.js';
import { indexNote, pandasIndexColumns } from './pandas-index.js';
import { sourceNames } from './source-names.js';
import type { ReadOptions } from './read-options.js';
import { duplicateKeyError, filesArg, runSource, sourceSql, typeStruct, withGivenTypes, type Sniffed } from './source-sql.js';
import type { SettleNote } from './csv-date-order.js';
import { adviceError } from './advice-error.js';
import { longerLinesRead, longLineError, MAX_LINE_BYTES, scannedLinesRead } from './csv-long-lines.js';

/** The format given, or the one the file name implies; an unknown one names the known ones. */
export function resolveFormat(path: string, format: string | undefined): DatasetFormat {
  if (format !== undefined) {
    if (!isDatasetFormat(format)) throw invalidArgument('format', `unknown format '${format}' (known: ${DATASET_FORMATS.join(', ')})`);
    return format;
  }
  const found = formatOfName(path);
  if (!found) throw adviceError('format', (say) => `cannot tell the format of '${path}' from its name; pass ${say('format')} (known: ${DATASET_FORMATS.join(', ')})`);
  return found;
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
  /** The columns kept whose names in the file could not stay, and what they are named (column-names.ts). */
  readonly renames: readonly ColumnRename[];
  /** What the user should hear of how the columns kept were typed (csv-date-formats.ts). */
  readonly notes: readonly string[];
  /** Notes on date columns whose order the rows read may settle (csv-date-order.ts' settledNotes). */
  readonly settles?: readonly SettleNote[];
  /** Why the file was read again from a rewritten copy before its read began (csv-rewrites.ts), each said as a widening is. */
  readonly readAgain?: readonly string[];
  /** After the read succeeded: fails, for widen(), when the read missed a key (json-late-keys.ts). */
  readonly verify?: (con: DuckDBConnection) => Promise<void>;
}

/**
 * Sniffs the files' columns (DuckDB reads only a sample here), applies the given types and maps
 * them; `workDir`: where a sample may be written. A CSV file whose sniff or read fails at a line
 * of only spaces, or at mixed line endings, is read again from a copy without them, as pandas
 * reads it (csv-rewrites.ts).
 */
export async function describeSource(con: DuckDBConnection, files: readonly string[], format: DatasetFormat, options: ReadOptions = {}, workDir?: string): Promise<DescribedSource> {
  if (format === 'json') return describeJson(con, files, options, workDir);
  if (format !== 'csv') return describeFiles(con, files, format, options, workDir);
  // A line longer than DuckDB reads by default: read with a limit that covers it when the scan
  // finds it, else sniffed and read again after DuckDB refused it; one past MAX_LINE_BYTES is
  // named (csv-long-lines.ts).
  const refused = async (error: unknown): Promise<KeelError | undefined> => longLineError(con, error, files, { ...options, maxLineSize: MAX_LINE_BYTES });
  const longLinesRead = (d: DescribedSource, read: ReadOptions): DescribedSource => ({
    ...d,
    async widen(error) {
      const longer = longerLinesRead(error, read);
      if (longer) return { source: longLinesRead(await describeCsv(con, files, longer.read, workDir), longer.read), widening: { message: longer.message } };
      const long = await refused(error);
      if (long) throw long;
      const next = await d.widen(error);
      return next && { ...next, source: longLinesRead(next.source, read) };
    },
  });
  // The look for long lines (csv-long-lines.ts) runs beside the first sniff, which it seldom
  // changes: a line it finds has the file sniffed again with the limit raised, before the read; a
  // line the sniff meets takes the look's limit when that covers it. Either is said as a note, as
  // a line met by the read is (a widening).
  const scan = scannedLinesRead(files, options);
  for (let read = options, said: string[] = [], first = true; ; first = false) {
    try {
      const d = longLinesRead(await describeCsv(con, files, read, workDir), read);
      const scanned = first ? await scan : undefined;
      if (scanned === undefined) return said.length === 0 ? d : { ...d, notes: [...said, ...d.notes] };
      read = scanned.read;
      said = [scanned.message];
    } catch (e) {
      const longer = longerLinesRead(e, read);
      if (longer === undefined) throw (await refused(e)) ?? e;
      const scanned = first ? await scan : undefined;
      [read, said] = scanned && scanned.read.maxLineSize! >= longer.read.maxLineSize! ? [scanned.read, [scanned.message]] : [longer.read, [...said, longer.message]];
    }
  }
}

/**
 * A JSON file's columns; one that is a table (pandas' to_json() default, its orient='split', a dict
 * of lists), refused as one row or as an object too large, is read as its rows (json-table.ts).
 * Only such a file pays for the look.
 */
async function describeJson(con: DuckDBConnection, files: readonly string[], options: ReadOptions, workDir: string | undefined): Promise<DescribedSource> {
  try {
    return await describeFiles(con, files, 'json', options, workDir);
  } catch (e) {
    const table = files.length === 1 && workDir !== undefined && mayBeTable(e) ? await tableAsRows(files[0]!, workDir) : undefined;
    if (table === undefined) throw e;
    const d = await describeFiles(con, [table.file], 'ndjson', options, workDir).catch(async (t: unknown) => {
      throw await tableError(t, table);
    });
    return readOfTable({ ...d, notes: [table.note, ...d.notes] }, table);
  }
}

/**
 * The read of a table's rows, its every message (an error, a note, a widening) said of the table's
 * own file: none names the temp file the rows were written to (json-table.ts).
 */
function readOfTable(d: DescribedSource, table: TableRows): DescribedSource {
  return {
    ...d,
    notes: d.notes.map(table.said),
    async widen(error) {
      const next = await d.widen(error).catch(async (e: unknown) => {
        throw await tableError(e, table);
      });
      if (next === undefined) throw await tableError(error, table);
      return { source: readOfTable(next.source, table), widening: { ...next.widening, message: table.said(next.widening.message) } };
    },
  };
}

/** describeSource's CSV work, but for lines too long; files are read from rewritten copies when they must be (csv-rewrites.ts). */
async function describeCsv(con: DuckDBConnection, files: readonly string[], options: ReadOptions, workDir: string | undefined): Promise<DescribedSource> {
  if (workDir === undefined) return describeFiles(con, files, 'csv', options, workDir);
  // Without its lines of only spaces, a one-column file's read need not stop at a value of them.
  return withRewrites((fs, done) => describeFiles(con, fs, 'csv', options, workDir, !done.has(SPACE_LINES.name)), files, workDir, options);
}

/** describeSource's work; `checkSpaces`: whether a one-column CSV's read stops at a value of only spaces. */
async function describeFiles(con: DuckDBConnection, files: readonly string[], format: DatasetFormat, options: ReadOptions, workDir: string | undefined, checkSpaces = true): Promise<DescribedSource> {
  const given = options.types ?? new Map<string, LogicalType>();
  const sniffed = format === 'csv' ? await sniffCsv(con, files, options, given, workDir, checkSpaces) : await describeOther(con, files, format, given);
  if (sniffed.types.length === 0) throw invalidArgument('file', 'the file has no columns');
  for (const [field, names] of [['types', [...given.keys()]], ['columns', options.columns ?? []]] as const) {
    const unknown = names.filter((n) => !sniffed.types.some((t) => t.name === n));
    if (unknown.length > 0) {
      // A name the file gives a column that was renamed: the user sees it in the file.
      const hints = unknownColumnHints(unknown, sniffed.types.map((t) => t.name), sniffed.renames);
      throw invalidArgument(field, `no column ${unknown.map((n) => `'${n}'`).join(', ')} in the file${hints} (columns: ${sniffed.types.map((t) => t.name).join(', ')})`);
    }
  }
  // pandas' unnamed index is left out unless the columns kept or typed name it (pandas-index.ts).
  const index = format === 'parquet' && !options.columns ? [...(await pandasIndexColumns(con, files))].filter((c) => !given.has(c) && sniffed.types.some((t) => t.name === c)) : [];
  const keep = options.columns ? new Set(options.columns) : index.length > 0 ? new Set(sniffed.types.map((t) => t.name).filter((n) => !index.includes(n))) : undefined;
  const source = described(sniffed, keep, (sniffed.renames ?? []).filter((r) => !keep || keep.has(r.to)));
  const unused = unusedDateFormatNote(options.dateFormat, sniffed.byDateFormat, keep);
  return { ...source, notes: [...source.notes, ...index.map(indexNote), ...(unused === undefined ? [] : [unused])] };
}

/**
 * The sniffed columns (only those in `keep`, when given: the read then skips the others' fields)
 * as a source; those in `asText`, integers beyond BIGINT, as their exact text.
 */
function described(sniffed: Sniffed, keep: ReadonlySet<string> | undefined, renames: readonly ColumnRename[], asText: ReadonlySet<string> = new Set()): DescribedSource {
  const columns = sniffed.types.filter((t) => !keep || keep.has(t.name)).map(({ name, duckType }) => {
    if (asText.has(name)) return { name, duckType, type: 'string' as const, storeExpr: `${quoteIdent(name)}::VARCHAR AS ${quoteIdent(name)}` };
    const mapping = mapDuckDbType(duckType);
    if (!mapping) {
      throw new KeelError('INVALID_ARGUMENT', `column '${name}' has type ${duckType}, which Keel datasets cannot hold (supported: numbers, booleans, strings, dates and timestamps, and nested values as their JSON text)`, { field: `columns.${name}` });
    }
    return { name, duckType, type: mapping.type, storeExpr: `${mapping.storeExpr(name)} AS ${quoteIdent(name)}` };
  });
  return {
    columns,
    source: sniffed.source,
    renames,
    notes: (sniffed.notes ?? []).filter((n) => !keep || keep.has(n.column)).map((n) => n.message),
    settles: (sniffed.settles ?? []).filter((n) => !keep || keep.has(n.column)),
    ...(sniffed.verify ? { verify: sniffed.verify } : {}),
    async widen(error) {
      const message = (error as Error | undefined)?.message ?? '';
      const beyond = columns.find((c) => c.type === 'int' && misfitValue(message, BEYOND_INT, c.name) !== undefined);
      if (beyond) {
        const value = misfitValue(message, BEYOND_INT, beyond.name);
        const widening = { message: `column '${beyond.name}' holds ${value}, beyond the int range (±2^63), so it is string, read exactly`, column: beyond.name, value, from: 'BIGINT', to: 'VARCHAR' };
        return { source: described(sniffed, keep, renames, new Set([...asText, beyond.name])), widening };
      }
      const next = await sniffed.widen?.(error);
      return next && { source: described(next.sniffed, keep, renames, asText), widening: next.widening };
    },
  };
}

/**
 * Parquet and JSON: the types the files declare, and the given types applied. DuckDB takes a
 * JSON file's types from its first 20,480 rows; when a later value does not fit them, the read
 * fails, and widen() takes the types from all rows (one more pass, only then).
 */
async function describeOther(con: DuckDBConnection, files: readonly string[], format: Exclude<DatasetFormat, 'csv'>, given: ReadonlyMap<string, LogicalType>, allRows = false): Promise<Sniffed> {
  if (format !== 'parquet' && !allRows) await assertNoBom(files);
  // NDJSON rows are sampled as a CSV's are: fewer of them when they are long (csv-sample.ts).
  const sample = allRows ? -1 : format === 'ndjson' ? await sniffRows(files[0]!) : undefined;
  // Given its columns, DuckDB's reader skips keys past the sampled rows: the keys are scanned
  // beside the sample and the read, a gzipped file's checked inside the read (json-late-keys.ts).
  const lateKeys = format === 'parquet' || allRows ? undefined : await lateKeyCheck(files, format === 'json' ? 'auto' : 'newline_delimited', sample ?? JSON_SAMPLE_ROWS);
  const plain = sourceSql(files, format, sample === undefined ? '' : `, sample_size = ${sample}`);
  const duckNames = (await runSource(con, `DESCRIBE SELECT * FROM ${plain}`, format, files)).getRows().map((r) => ({ name: String(r[0]), duckType: String(r[1]) }));
  if (format !== 'parquet' && !allRows) await assertRecords(con, files, format, duckNames);
  // A table of columns (pandas' to_json() default) is refused rather than stored as one row (json-shape.ts).
  if (format === 'json' && !allRows) await assertRowsShape(con, files, plain, duckNames);
  // Whole numbers too long for DuckDB's JSON integers: read as their text (json-numbers.ts).
  const long = format === 'parquet' ? new Set<string>() : await longWholeColumns(con, files[0]!, format, duckNames, (o) => sourceSql(files, format, o), sample === -1 ? undefined : sample);
  // A nested field (an object, a list) is read as JSON, its own text: a struct would add the keys
  // other rows have, as nulls.
  const found = duckNames.map((t) => (long.has(t.name) ? { ...t, duckType: 'VARCHAR' } : format !== 'parquet' && isNestedType(t.duckType) ? { ...t, duckType: 'JSON' } : t));
  // Keel's names where DuckDB renamed a column (source-names.ts), given in the read.
  const own = await sourceNames(con, files, filesArg(files), format, found, sample);
  // A JSON file's integer columns are read as DOUBLE and checked: DuckDB's reader would round a
  // later fraction into them (json-numbers.ts). Not with all rows sampled: then none comes later.
  const checks = format === 'parquet' || allRows || own ? new Map<string, string>() : intChecks(found, given);
  // With all rows sampled, or columns read as other types, the read is given the types, so that
  // it does not sample them again (but by the keys' names, which a key renamed for its case does
  // not keep: then sampled).
  const typed = own ? ', sample_size = -1' : `, columns = ${typeStruct(found.map((t) => (checks.has(t.name) ? { ...t, duckType: 'DOUBLE' } : t)))}`;
  const typedRead = allRows || found.some((t, i) => t !== duckNames[i]) || checks.size > 0;
  const check = typedRead && !own ? lateKeys : undefined;
  if (check === undefined) lateKeys?.stop();
  const fileRead = !typedRead ? plain : check?.inRead === undefined ? sourceSql(files, format, typed) : `(SELECT * FROM ${sourceSql(files, format, typed)} WHERE (${check.inRead}) >= 0)`;
  // Read so, with all rows sampled, a nested value is a struct of the keys of every row, and its
  // text gained the others' as nulls (`{"x":1}` stored `{"x":1,"y":null}`): it comes, row for
  // row, from a read to depth 1, where each value is its own JSON text.
  const nested = own && format !== 'parquet' ? new Set(duckNames.filter((t) => isNestedType(t.duckType)).map((t) => t.name)) : new Set<string>();
  const texts = nested.size === 0 ? '' : ` POSITIONAL JOIN (SELECT ${[...nested].map(quoteIdent).join(', ')} FROM ${sourceSql(files, format, ', sample_size = -1, maximum_depth = 1')}) j`;
  const read = own ? `(SELECT ${found.map((d, i) => `${nested.has(d.name) ? 'j' : 't'}.${quoteIdent(d.name)} AS ${quoteIdent(own.names[i]!)}`).join(', ')} FROM ${fileRead} t${texts})` : fileRead;
  const declared = own ? found.map((d, i) => ({ ...d, name: own.names[i]! })) : found;
  const sniffed = { ...withGivenTypes(read, declared, given, checks), renames: own?.renames ?? [], ...(check ? { verify: (c: DuckDBConnection) => check.verify(c, new Set(duckNames.map((d) => d.name))) } : {}) };
  if (format === 'parquet' || allRows) return sniffed;
  return {
    ...sniffed,
    async widen(error) {
      lateKeys?.stop();
      const text = (error as Error | undefined)?.message ?? '';
      // An NDJSON file's line, a JSON array's object (`record/value`, counted from 1).
      const at = /JSON transform error in file .*?, in (line|record\/value) (\d+)/.exec(text);
      const line = at?.[2];
      const where = at?.[1] === 'line' ? `line ${line}` : `object ${line}`;
      const column = declared.find((t) => misfitValue(text, JSON_INT, t.name) !== undefined);
      // A key twice in an object: no types would read it (sourceError says so).
      if ((line === undefined && column === undefined) || duplicateKeyError(text) !== undefined) return undefined;
      const key = /has unknown key "((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
      const what = column
        ? `column '${column.name}' holds ${intMisfit(text, column.name)}`
        : key !== undefined
          ? `${where} has the key "${key}", which the first rows do not`
          : `a value on ${where} does not fit the types of the first rows`;
      const widening = { message: `${what}, so the types come from all rows`, ...(line === undefined ? {} : { line: Number(line) }), ...(column ? { column: column.name } : {}) };
      return { sniffed: await describeOther(con, files, format, given, true), widening };
    },
  };
}

/** What an integer column read as DOUBLE met (intChecks' misfit): a fraction, as DuckDB read it, or an integer beyond 2^53 (its DOUBLE, not the file's text). */
function intMisfit(message: string, column: string): string {
  const value = misfitValue(message, JSON_INT, column)!;
  const n = Number(value);
  return Number.isFinite(n) && n !== Math.trunc(n) ? `${value} after whole numbers in the first rows` : `an integer beyond 2^53 (about ${value})`;
}
