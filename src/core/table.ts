/**
 * The one columnar table shared by data, validation, training and serving.
 *
 * Numbers (int, float, bool as 0/1, timestamp as epoch milliseconds) are Float64Arrays with NaN
 * for a missing value, which is what tree learners, metrics and drift tests want. Strings are
 * dictionary-encoded: Int32Array codes into a dictionary, -1 for missing.
 */
import { invalidArgument, KeelError } from './errors.js';

export type LogicalType = 'int' | 'float' | 'bool' | 'string' | 'timestamp';
export const LOGICAL_TYPES: readonly LogicalType[] = ['int', 'float', 'bool', 'string', 'timestamp'];

export interface NumericColumn {
  readonly name: string;
  readonly type: 'int' | 'float' | 'bool' | 'timestamp';
  readonly values: Float64Array;
}

export interface StringColumn {
  readonly name: string;
  readonly type: 'string';
  /** Index into `dictionary`, or -1 for missing. */
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | StringColumn;

export interface Table {
  readonly numRows: number;
  readonly columns: readonly Column[];
}

export const isStringColumn = (c: Column): c is StringColumn => c.type === 'string';

export function columnLength(c: Column): number {
  return c.type === 'string' ? c.codes.length : c.values.length;
}

export function makeTable(columns: readonly Column[]): Table {
  const numRows = columns.length === 0 ? 0 : columnLength(columns[0]!);
  const seen = new Set<string>();
  for (const c of columns) {
    if (columnLength(c) !== numRows) {
      throw new KeelError('INVALID_ARGUMENT', `column '${c.name}' has ${columnLength(c)} rows, expected ${numRows}`, { field: c.name });
    }
    if (seen.has(c.name)) throw new KeelError('INVALID_ARGUMENT', `duplicate column '${c.name}'`, { field: c.name });
    seen.add(c.name);
  }
  return { numRows, columns };
}

/** The column called `name`; one the table lacks is INVALID_ARGUMENT naming `field`, how the caller names the argument (it named the column as the field). */
export function getColumn(table: Table, name: string, field = 'name'): Column {
  const c = table.columns.find((col) => col.name === name);
  if (!c) {
    const known = table.columns.map((col) => col.name).join(', ');
    throw invalidArgument(field, `no column '${name}' (columns: ${known})`);
  }
  return c;
}

export function hasColumn(table: Table, name: string): boolean {
  return table.columns.some((c) => c.name === name);
}

export function isMissing(c: Column, row: number): boolean {
  return c.type === 'string' ? c.codes[row]! < 0 : Number.isNaN(c.values[row]!);
}

/** The value at a row as JS: number, string, boolean, Date's epoch ms as number, or null. */
export function cellValue(c: Column, row: number): number | string | boolean | null {
  if (c.type === 'string') {
    const code = c.codes[row]!;
    return code < 0 ? null : c.dictionary[code]!;
  }
  const v = c.values[row]!;
  if (Number.isNaN(v)) return null;
  return c.type === 'bool' ? v !== 0 : v;
}

export function selectColumns(table: Table, names: readonly string[]): Table {
  return makeTable(names.map((n) => getColumn(table, n)));
}

export function dropColumns(table: Table, names: readonly string[]): Table {
  const drop = new Set(names);
  return makeTable(table.columns.filter((c) => !drop.has(c.name)));
}

/** Rows picked by index, in that order (indices may repeat). Dictionaries are shared, not copied. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const n = indices.length;
  const columns = table.columns.map((c): Column => {
    if (c.type === 'string') {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i]!]!;
      return { name: c.name, type: 'string', codes, dictionary: c.dictionary };
    }
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[indices[i]!]!;
    return { name: c.name, type: c.type, values };
  });
  return { numRows: n, columns };
}

export function sliceRows(table: Table, start: number, end: number): Table {
  const columns = table.columns.map((c): Column =>
    c.type === 'string'
      ? { name: c.name, type: 'string', codes: c.codes.subarray(start, end), dictionary: c.dictionary }
      : { name: c.name, type: c.type, values: c.values.subarray(start, end) },
  );
  return { numRows: Math.max(0, Math.min(end, table.numRows) - start), columns };
}

export type Row = Record<string, number | string | boolean | null | undefined>;

/**
 * Builds a table from row objects. Types are inferred per column unless given: any string makes
 * a string column, booleans a bool column, numbers int (all integral) or float.
 */
export function tableFromRows(rows: readonly Row[], types?: Readonly<Record<string, LogicalType>>): Table {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); names.push(k); }
  const columns = names.map((name): Column => {
    const type = types?.[name] ?? inferType(rows, name);
    if (type === 'string') {
      const dict = new Map<string, number>();
      const codes = new Int32Array(rows.length);
      rows.forEach((r, i) => {
        const v = r[name];
        if (v === null || v === undefined) { codes[i] = -1; return; }
        const s = String(v);
        let code = dict.get(s);
        if (code === undefined) { code = dict.size; dict.set(s, code); }
        codes[i] = code;
      });
      return { name, type, codes, dictionary: [...dict.keys()] };
    }
    const values = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      const v = r[name];
      values[i] = v === null || v === undefined ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
    });
    return { name, type, values };
  });
  return makeTable(columns);
}

function inferType(rows: readonly Row[], name: string): LogicalType {
  let sawBool = false, sawFloat = false, sawNumber = false;
  for (const r of rows) {
    const v = r[name];
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') return 'string';
    if (typeof v === 'boolean') sawBool = true;
    else { sawNumber = true; if (!Number.isInteger(v)) sawFloat = true; }
  }
  if (sawBool && !sawNumber) return 'bool';
  return sawFloat ? 'float' : sawNumber ? 'int' : 'float';
}

export function tableToRows(table: Table): Row[] {
  const rows: Row[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    for (const c of table.columns) row[c.name] = cellValue(c, i);
    rows[i] = row;
  }
  return rows;
}
