/**
 * One column of a plain CSV as the parts the parse workers read (in file order), each in the
 * column's decided type, never joined: the Parquet's row groups are views of them (but the one a
 * part boundary cuts: plain-row-groups.ts) and the statistics go over the parts (plain-stats.ts). A joined copy cost as much as the parse itself
 * on a 2-core VM, mostly the kernel's work of giving fresh pages (docs/datasets.md).
 */
import type { ParsedColumn } from './plain-csv-parse.js';
import type { PlainColumn, PlainType } from './plain-column.js';
import { threadArena } from './plain-wasm.js';

export function columnParts(type: PlainType, parts: readonly ParsedColumn[], partRows: readonly number[]): PlainColumn[] {
  // Arrays made here are in the thread's arena too, where its WebAssembly loops reach them (plain-wasm.ts).
  const arena = threadArena();
  return parts.map((p, k): PlainColumn => {
    const n = partRows[k]!;
    if (type === 'string') {
      if (p.kind === 'text') return { type, codes: p.codes.subarray(0, n), dictionary: p.dictionary };
      return { type, codes: arena.i32(arena.alloc(n * 4), n).fill(-1), dictionary: [] };
    }
    // An int column's -0 values are 0 already (zeroIntSigns, plain-csv-types.ts).
    if (p.kind === 'number') return { type, values: p.values.subarray(0, n) };
    const values = arena.f64(arena.alloc(n * 8), n).fill(NaN);
    if (p.kind === 'text') {
      // bool: the part's codes through its own dictionary
      const bit = p.dictionary.map((s) => (s === 'true' ? 1 : 0));
      for (let i = 0; i < n; i++) {
        const code = p.codes[i]!;
        if (code >= 0) values[i] = bit[code]!;
      }
    }
    return { type, values };
  });
}
