/**
 * One column of a plain CSV, whole, from the parts the parse workers read (in file order), in
 * its decided type: numbers joined, bool text as 0/1, string parts' dictionaries merged.
 */
import type { ParsedColumn } from './plain-csv-parse.js';
import type { PlainColumn, PlainType } from './plain-column.js';

export function joinColumn(type: PlainType, parts: readonly ParsedColumn[], partRows: readonly number[]): PlainColumn {
  const rows = partRows.reduce((a, b) => a + b, 0);
  if (type === 'string') return joinText(parts, partRows, rows);
  const values = new Float64Array(rows);
  let at = 0;
  parts.forEach((p, k) => {
    const n = partRows[k]!;
    if (p.kind === 'number') {
      values.set(p.values.subarray(0, n), at);
      // An int column's `-0` is 0, as DuckDB's BIGINT and pandas' int64 read it (a float keeps its sign).
      if (type === 'int') for (let i = at; i < at + n; i++) values[i]! += 0;
    }
    else if (p.kind === 'text') {
      // bool: the part's codes through its own dictionary
      const bit = p.dictionary.map((s) => (s === 'true' ? 1 : 0));
      for (let i = 0; i < n; i++) {
        const code = p.codes[i]!;
        values[at + i] = code < 0 ? NaN : bit[code]!;
      }
    } else values.fill(NaN, at, at + n);
    at += n;
  });
  return { type, values };
}

function joinText(parts: readonly ParsedColumn[], partRows: readonly number[], rows: number): PlainColumn {
  const codes = new Int32Array(rows);
  const dictionary: string[] = [];
  const ids = new Map<string, number>();
  let at = 0;
  parts.forEach((p, k) => {
    const n = partRows[k]!;
    if (p.kind !== 'text') {
      codes.fill(-1, at, at + n);
    } else {
      const remap = Int32Array.from(p.dictionary, (s) => {
        let id = ids.get(s);
        if (id === undefined) ids.set(s, (id = dictionary.push(s) - 1));
        return id;
      });
      for (let i = 0; i < n; i++) {
        const code = p.codes[i]!;
        codes[at + i] = code < 0 ? -1 : remap[code]!;
      }
    }
    at += n;
  });
  return { type: 'string', codes, dictionary };
}
