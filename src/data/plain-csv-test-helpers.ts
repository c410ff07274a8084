/** Helpers of the plain CSV parser's tests: an independent reference parser and a random file. */
import { plainHeader, PlainCsvParser, type Bail, type ParsedPart, type PlainCsvOptions } from './plain-csv-parse.js';

export type Value = number | string | null;
export interface Columns { readonly rows: number; readonly columns: Value[][]; readonly dictionaries: (string[] | undefined)[] }

/** A parsed part as plain values by column (missing: null), with each text column's dictionary. */
export function valuesOf(part: ParsedPart | Bail): Columns | Bail {
  if ('bail' in part) return part;
  const columns = part.columns.map((c): Value[] =>
    c.kind === 'number' ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v))
      : c.kind === 'text' ? Array.from(c.codes, (k) => (k === -1 ? null : c.dictionary[k]!))
        : Array.from({ length: part.rows }, () => null));
  return { rows: part.rows, columns, dictionaries: part.columns.map((c) => (c.kind === 'text' ? c.dictionary : undefined)) };
}

/**
 * The reference: the file split on '\n' and the delimiter, a field a number when it matches the
 * plain number pattern (read by Number()), missing when empty, else text; a dictionary is a text
 * column's values in order of first sight.
 */
export function referenceValues(text: string, delimiter = ','): Columns {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  const width = lines[0]!.split(delimiter).length;
  const rows = lines.slice(1).map((l) => l.split(delimiter));
  const columns = Array.from({ length: width }, (_, c) => rows.map((r): Value => (r[c] === '' ? null : /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(r[c]!) ? Number(r[c]) : r[c]!)));
  const dictionaries = columns.map((values) => (values.some((v) => typeof v === 'string') ? [...new Set(values.filter((v) => v !== null))] as string[] : undefined));
  return { rows: rows.length, columns, dictionaries };
}

/** The whole file parsed: its header, then the rest fed at once. */
export function parseText(text: string, delimiter = ',', options: PlainCsvOptions = {}, expectedRows?: number): ParsedPart | Bail {
  const bytes = Buffer.from(text, 'latin1');
  const header = plainHeader(bytes, delimiter.charCodeAt(0));
  if ('bail' in header) return header;
  const parser = new PlainCsvParser(header.names.length, delimiter.charCodeAt(0), expectedRows, options);
  return parser.feed(bytes, header.end, bytes.length, true) ? parser.finish() : { bail: parser.bail! };
}

const WORDS = ['a', 'b', 'US', 'DE', 'mobile', 'desktop', 'tablet', 'free', 'pro', 'x_1', 'Z9', 'true', 'false', 'city_12', 'city_121', 'city_1210'];

/** A random plain CSV file: a header, then `rows` lines of int, float, text and empty columns with missing fields. */
export function randomPlainCsv(random: () => number, rows: number, width: number, lineEnd = '\n'): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // A one-column file has no missing field: its line would be empty, which pandas skips.
  const kinds = Array.from({ length: width }, () => pick(width === 1 ? ['int', 'float', 'text', 'many'] as const : ['int', 'float', 'text', 'many', 'empty'] as const));
  const missing = Array.from({ length: width }, () => (width === 1 ? 0 : pick([0, 0.1, 0.5, 0.95])));
  const field = (c: number, r: number): string => {
    if (kinds[c] === 'empty' || random() < missing[c]!) return '';
    const sign = random() < 0.3 ? '-' : '';
    const int = String(Math.floor(random() ** 3 * 1e9) + 1);
    switch (kinds[c]) {
      case 'int': return random() < 0.1 ? '0' : sign + int;
      case 'float': return `${sign}${random() < 0.3 ? '0' : int}.${String(Math.floor(random() * 1e6)).padStart(1 + Math.floor(random() * 6), '0')}`;
      case 'text': return pick(WORDS);
      default: return `v${Math.floor(random() * rows)}_${r % 7}`;
    }
  };
  const lines = [Array.from({ length: width }, (_, c) => `c${c}`).join(',')];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: width }, (_, c) => field(c, r)).join(','));
  return lines.join(lineEnd) + lineEnd;
}
