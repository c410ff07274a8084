/**
 * A plain CSV column's rows (its parts, as the parse workers read them: plain-column-parts.ts) cut
 * for the Parquet writer into row groups of rowGroupRows counted over the whole column, as DuckDB
 * cuts them, wherever the parts end. So the file's row groups, hence its bytes and its artifact's
 * hash, are the same however many threads parsed the file (one machine's 2 cores, another's 4).
 * A part's whole row groups are encoded as a view of it; only a row group that spans parts is
 * copied (one a part boundary: a few hundred KB a column).
 */
import type { PlainColumn } from './plain-column.js';
import { threadArena } from './plain-wasm.js';

const lengthOf = (c: PlainColumn): number => (c.type === 'string' ? c.codes.length : c.values.length);

/**
 * The column as consecutive pieces, each to be encoded as row groups of its own: each starts at a
 * multiple of rowGroupRows and holds whole row groups (the last piece may end short).
 */
export function rowGroupRuns(parts: readonly PlainColumn[], rowGroupRows: number): PlainColumn[] {
  const lengths = parts.map(lengthOf);
  const total = lengths.reduce((a, b) => a + b, 0);
  const runs: PlainColumn[] = [];
  let row = 0, k = 0, offset = 0;
  while (row < total) {
    // The part holding `row` (empty parts skipped).
    while (row >= offset + lengths[k]!) offset += lengths[k++]!;
    const partEnd = offset + lengths[k]!;
    const whole = Math.floor((partEnd - row) / rowGroupRows) * rowGroupRows;
    const end = whole > 0 ? row + whole : Math.min(row + rowGroupRows, total);
    runs.push(end <= partEnd ? view(parts[k]!, row - offset, end - offset) : joined(parts, lengths, row, end));
    row = end;
  }
  return runs;
}

function view(c: PlainColumn, from: number, to: number): PlainColumn {
  return c.type === 'string' ? { type: c.type, codes: c.codes.subarray(from, to), dictionary: c.dictionary } : { type: c.type, values: c.values.subarray(from, to) };
}

/** Rows [from, to) of the column, which span parts, as one copy (text over a dictionary of its own). */
function joined(parts: readonly PlainColumn[], lengths: readonly number[], from: number, to: number): PlainColumn {
  // In the thread's arena, where the encoder's WebAssembly loops reach it (plain-wasm.ts).
  const arena = threadArena();
  const first = parts[0]!;
  const segments: { part: PlainColumn; start: number; end: number }[] = [];
  for (let k = 0, offset = 0; k < parts.length && offset < to; offset += lengths[k++]!) {
    const start = Math.max(from, offset), end = Math.min(to, offset + lengths[k]!);
    if (start < end) segments.push({ part: parts[k]!, start: start - offset, end: end - offset });
  }
  if (first.type !== 'string') {
    const values = arena.f64(arena.alloc((to - from) * 8), to - from);
    let at = 0;
    for (const { part, start, end } of segments) {
      if (part.type === 'string') throw new Error('a number column expected');
      values.set(part.values.subarray(start, end), at);
      at += end - start;
    }
    return { type: first.type, values };
  }
  const dictionary: string[] = [];
  const ids = new Map<string, number>();
  const codes = arena.i32(arena.alloc((to - from) * 4), to - from);
  let at = 0;
  for (const { part, start, end } of segments) {
    if (part.type !== 'string') throw new Error('a string column expected');
    // Each of the part's codes given the joined dictionary's, on first sight.
    const remap = new Int32Array(part.dictionary.length).fill(-1);
    for (let i = start; i < end; i++) {
      const c = part.codes[i]!;
      if (c < 0) codes[at++] = -1;
      else {
        if (remap[c]! < 0) {
          const s = part.dictionary[c]!;
          let id = ids.get(s);
          if (id === undefined) ids.set(s, (id = dictionary.push(s) - 1));
          remap[c] = id;
        }
        codes[at++] = remap[c]!;
      }
    }
  }
  return { type: 'string', codes, dictionary };
}
