/**
 * The column types of a plain CSV read in JS, from what each part's parse found, as the DuckDB
 * path types such a file: numbers are int unless one has a fraction, text of only `true` and
 * `false` is bool, other text string. A column the JS path cannot type as the DuckDB path would
 * (no value at all, or numbers in one part and text in another) sends the file there.
 */
import type { ParsedColumn, ParsedPart } from './plain-csv-parse.js';
import type { PlainType } from './plain-column.js';

export function plainTypes(parts: readonly ParsedPart[], names: readonly string[]): PlainType[] | { bail: string } {
  // The DuckDB path reads such a file the same but tells its user (csv-line-endings.ts).
  if (parts.some((p) => p.crlfLines > 0) && parts.some((p) => p.lfLines > 0)) return { bail: 'lines end with both \\r\\n and \\n' };
  const types: PlainType[] = [];
  for (let c = 0; c < names.length; c++) {
    const kinds = parts.map((p) => p.columns[c]!).filter((col) => col.kind !== 'empty');
    if (kinds.length === 0) return { bail: `column '${names[c]}' has no value` };
    if (kinds.every((k) => k.kind === 'number')) types.push(kinds.some((k) => k.kind === 'number' && k.fractional) ? 'float' : 'int');
    else if (kinds.every((k) => k.kind === 'text')) types.push(kinds.every((k) => k.kind === 'text' && k.dictionary.every(isBoolWord)) ? 'bool' : 'string');
    else return { bail: `column '${names[c]}' holds numbers and text` };
  }
  return types;
}

const isBoolWord = (s: string): boolean => s === 'true' || s === 'false';

/**
 * The buffers of a part's columns to transfer (not copy) between threads: none in shared memory
 * (the parser's, which every thread sees as it is).
 */
export function partBuffers(columns: readonly ParsedColumn[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of columns) {
    const buffer = c.kind === 'number' ? c.values.buffer : c.kind === 'text' ? c.codes.buffer : undefined;
    if (buffer instanceof ArrayBuffer) out.add(buffer);
  }
  return [...out];
}

/** An int column's -0 values made 0, as DuckDB's BIGINT and pandas' int64 read them (a float keeps its sign): once, before the threads share the column. */
export function zeroIntSigns(parts: readonly ParsedPart[], types: readonly PlainType[]): void {
  types.forEach((type, c) => {
    if (type !== 'int') return;
    for (const part of parts) {
      const column = part.columns[c]!;
      if (column.kind !== 'number' || !column.negativeZero) continue;
      const values = column.values.subarray(0, part.rows);
      for (let i = 0; i < values.length; i++) values[i]! += 0;
    }
  });
}
