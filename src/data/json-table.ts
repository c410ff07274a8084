/**
 * A JSON file that is one table rather than rows, as pandas writes it and reads it back by
 * default: `df.to_json(path)` (orient='columns', `{"a": {"0": 1, "1": 2}, "b": {...}}`), a dict of
 * lists (`{"a": [1, 2], "b": [...]}`) and orient='split' (`{"columns": [...], "index": [...],
 * "data": [[...], ...]}`). DuckDB reads such a file as one row of nested values (or not at all past
 * 16 MiB); Keel writes its rows as NDJSON, each value's text as the file has it (so `1.0` stays a
 * float and a long integer its digits), and reads that. Rows come in the order of their labels'
 * first appearance, as pandas' read_json gives them. Labels 0, 1, ..., n-1 in order (pandas'
 * default index) are dropped, as pandas' `__index_level_0__` is from Parquet; others are kept as
 * a column `index` (`level_0` when there is a column `index`, as pandas' reset_index names it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { invalidArgument, readHead, type KeelError } from '../core/index.js';
import { rewritten } from './advice-error.js';
import { withBadLine } from './json-bad-line.js';
import { sourceError } from './source-sql.js';

/** The largest file converted: its text is held in memory, twice. */
const MAX_TABLE_BYTES = 256 << 20;

/** A table's columns (their names' JSON text) and rows (each value's JSON text, null when missing). */
interface Table {
  readonly names: string[];
  readonly rows: string[][];
  /** Each row's label (JSON text), or undefined for pandas' default index. */
  readonly labels: string[] | undefined;
  readonly orient: string;
}

/** A table's rows as written for the read: `file`, read in place of the table's own file. */
export interface TableRows {
  readonly file: string;
  readonly note: string;
  /**
   * A message of the read of `file` as said of the table's own file: the temp file's path and
   * name are the table's, its format JSON, and its lines (one row each) the table's rows.
   */
  readonly said: (message: string) => string;
}

/**
 * The file's rows written as NDJSON under `workDir`, with the note that says so, when the file is
 * a table of one of pandas' shapes; undefined when it is not (or is larger than MAX_TABLE_BYTES).
 */
export async function tableAsRows(file: string, workDir: string): Promise<TableRows | undefined> {
  const bytes = await readHead(file, MAX_TABLE_BYTES + 1).catch(() => undefined);
  if (bytes === undefined || bytes.length > MAX_TABLE_BYTES) return undefined;
  const table = tableOf(bytes.toString('utf8'), file);
  if (table === undefined) return undefined;
  const taken = new Set(table.names.map((n) => JSON.parse(n) as string));
  const indexName = JSON.stringify(taken.has('index') ? 'level_0' : 'index');
  const names = table.labels ? [indexName, ...table.names] : table.names;
  const lines = table.rows.map((row, r) => `{${names.map((n, i) => `${n}:${table.labels ? (i === 0 ? table.labels[r] : row[i - 1]) : row[i]}`).join(',')}}\n`);
  const dir = join(workDir, 'table');
  await mkdir(dir, { recursive: true });
  const out = join(dir, `${basename(file).replace(/\.json(\.gz)?$/i, '')}.ndjson`);
  await writeFile(out, lines.join(''));
  const kept = table.labels ? `; its row labels, not pandas' default 0, 1, 2, ..., are column ${indexName}` : '';
  return { file: out, note: `'${basename(file)}' is one table (pandas' ${table.orient}), not rows: read as its ${table.rows.length} rows, as pandas' read_json reads it${kept}`, said: tableMessage(out, file) };
}

/** An error of the read of a table's rows (TableRows), as said of the table (a row not valid JSON found as in any NDJSON file: json-bad-line.ts). */
export const tableError = async (e: unknown, rows: TableRows): Promise<KeelError> => rewritten(await withBadLine(sourceError(e, 'ndjson', [rows.file]), [rows.file]), rows.said);

/** TableRows' `said` for rows written to `rows` from the table `file`. */
function tableMessage(rows: string, file: string): (message: string) => string {
  // One pass, the path before its base name: a name replaced is not looked at again.
  const names = new Map([[rows, file], [basename(rows), basename(file)]]);
  const named = new RegExp([...names.keys()].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (message) =>
    message
      .replace(named, (n) => names.get(n)!)
      .replace(/readable NDJSON file/g, 'readable JSON file')
      // Where Keel's messages name a line (not inside a column's name, `'line 2'`).
      .replace(/(^|\(|\bat |\bon )line (\d+)/g, (_, before: string, n: string) => `${before === 'on ' ? 'in ' : before}row ${n}`)
      .replace(/\(or the line before it\b/g, '(or the row before it');
}

/** The table `text` holds, or undefined when it is not one of pandas' shapes. */
function tableOf(text: string, file: string): Table | undefined {
  const s = new Scanner(text);
  const top = s.entries();
  if (top === undefined || !s.atEnd() || top.length === 0) return undefined;
  const keys = top.map(([k]) => JSON.parse(k) as string);
  if (keys.includes('columns') && keys.includes('data') && keys.every((k) => ['columns', 'index', 'data'].includes(k))) return splitTable(top, keys, file);
  if (top.every(([, v]) => v.startsWith('{'))) {
    const objects = top.map(([, v]) => new Scanner(v).entries());
    if (objects.some((o) => o === undefined)) return undefined;
    // A dict of dicts: the labels are the inner keys, first seen first.
    const labels = new Map<string, number>();
    const byLabel = (objects as [string, string][][]).map((o) => new Map(o.map(([k, v]) => [JSON.parse(k) as string, v])));
    for (const m of byLabel) for (const label of m.keys()) if (!labels.has(label)) labels.set(label, labels.size);
    const rows = [...labels.keys()].map((l) => byLabel.map((m) => m.get(l) ?? 'null'));
    return { names: top.map(([k]) => k), rows, labels: labelColumn([...labels.keys()]), orient: "to_json() default, orient='columns'" };
  }
  if (top.every(([, v]) => v.startsWith('['))) {
    const lists = top.map(([, v]) => new Scanner(v).items());
    if (lists.some((l) => l === undefined)) return undefined;
    const n = lists[0]!.length;
    if (lists.some((l) => l!.length !== n)) throw invalidArgument('file', `'${basename(file)}' is one JSON object of lists of different lengths (${lists.map((l) => l!.length).join(', ')}), not a table of columns`);
    return { names: top.map(([k]) => k), rows: Array.from({ length: n }, (_, r) => lists.map((l) => l![r]!)), labels: undefined, orient: 'a dict of lists' };
  }
  return undefined;
}

/** orient='split': `columns`, `data` (rows as lists) and, unless written with index=False, `index`. */
function splitTable(top: [string, string][], keys: string[], file: string): Table | undefined {
  const field = (k: string) => top[keys.indexOf(k)]?.[1];
  const columns = new Scanner(field('columns')!).items();
  const data = new Scanner(field('data')!).items();
  const index = field('index') === undefined ? undefined : new Scanner(field('index')!).items();
  if (columns === undefined || data === undefined || (field('index') !== undefined && index === undefined)) return undefined;
  const rows = data.map((d) => new Scanner(d).items());
  const bad = rows.findIndex((r) => r === undefined || r.length !== columns.length);
  if (bad >= 0) throw invalidArgument('file', `'${basename(file)}' is a table of pandas' orient='split', but its row ${bad + 1} (of "data") does not hold ${columns.length} values, one for each of its "columns"`);
  if (index !== undefined && index.length !== rows.length) throw invalidArgument('file', `'${basename(file)}' is a table of pandas' orient='split', but its "index" has ${index.length} labels for ${rows.length} rows`);
  // Column names that are not strings (a RangeIndex's 0, 1) are their text, as Keel's names are.
  const names = columns.map((c) => (c.startsWith('"') ? c : JSON.stringify(c)));
  const labels = index?.map((l) => (l.startsWith('"') ? (JSON.parse(l) as string) : l));
  return { names, rows: rows as string[][], labels: labels === undefined ? undefined : labelColumn(labels), orient: "orient='split'" };
}

/** The labels as the index column's JSON values, or undefined for pandas' default 0..n-1 (dropped). */
function labelColumn(labels: readonly string[]): string[] | undefined {
  if (labels.every((l, i) => l === String(i))) return undefined;
  // Whole-number labels are numbers, as pandas' read_json converts its axes; others text.
  const whole = labels.every((l) => /^-?(0|[1-9]\d*)$/.test(l));
  return labels.map((l) => (whole ? l : JSON.stringify(l)));
}

/** Reads JSON text far enough to split an object or a list into its parts' own text. */
class Scanner {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    this.ws();
    return this.i === this.s.length;
  }

  /** An object's entries (key text, value text), or undefined when the text here is not an object. */
  entries(): [string, string][] | undefined {
    this.ws();
    if (this.s[this.i] !== '{') return undefined;
    this.i++;
    const out: [string, string][] = [];
    this.ws();
    if (this.s[this.i] === '}') return (this.i++, out);
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') return undefined;
      const key = this.value();
      this.ws();
      if (this.s[this.i++] !== ':') return undefined;
      const value = this.value();
      if (value === undefined || key === undefined) return undefined;
      out.push([key, value]);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') return undefined;
    }
  }

  /** A list's items' text, or undefined when the text here is not a list. */
  items(): string[] | undefined {
    this.ws();
    if (this.s[this.i] !== '[') return undefined;
    this.i++;
    const out: string[] = [];
    this.ws();
    if (this.s[this.i] === ']') return (this.i++, out);
    for (;;) {
      const value = this.value();
      if (value === undefined) return undefined;
      out.push(value);
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') return undefined;
    }
  }

  /** The text of the value here (a string, number, literal, or a whole object or list). */
  private value(): string | undefined {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === undefined) return undefined;
    if (c === '"') {
      this.skipString();
    } else if (c === '{' || c === '[') {
      let depth = 0;
      while (this.i < this.s.length) {
        const d = this.s[this.i];
        if (d === '"') {
          this.skipString();
          continue;
        }
        this.i++;
        if (d === '{' || d === '[') depth++;
        else if ((d === '}' || d === ']') && --depth === 0) break;
      }
      if (depth !== 0) return undefined;
    } else {
      while (this.i < this.s.length && !/[\s,}\]:]/.test(this.s[this.i]!)) this.i++;
      if (this.i === start) return undefined;
    }
    return this.s.slice(start, this.i);
  }

  private skipString(): void {
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === '\\' ? 2 : 1;
    this.i++;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
}
