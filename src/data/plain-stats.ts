/**
 * The statistics of one in-memory column of a plain CSV (plain-column.ts), in JS: the profile
 * profileParquet (profile.ts) gives the same values once stored, exactly on files up to
 * SAMPLE_ROWS rows (where it is exact itself), without DuckDB. Above those, the values are the
 * exact ones where profileParquet samples or estimates (docs/datasets.md).
 *
 * Numbers: every statistic from the values sorted (plain-sort.ts) by profile-sorted.ts's
 * sortedStats, as profileParquet's sorted path computes them; a column that profileParquet groups
 * (a bool, or at most GROUPED_SHARE of the rows distinct, as the Parquet footer tells it) gets
 * its mean and std as the grouped path sums them (`counted`). Strings: counts per dictionary code.
 */
import type { PlainColumn } from './plain-column.js';
import { countedStats, countValues, largestCounts } from './plain-counted.js';
import { sortedValues } from './plain-sort.js';
import { GROUPED_SHARE, profileOf, rankTop, TOP_K, type Col, type Found } from './profile-found.js';
import { sortedStats } from './profile-sorted.js';
import { arenaOf } from './plain-wasm.js';
import type { ColumnProfile } from './types.js';

/**
 * The profile of `column`, named `name`: the one profileParquet gives the column stored. Several
 * columns are the parts of one, in order, of one type (the parse workers', plain-csv-read.ts).
 */
export function plainColumnProfile(name: string, column: PlainColumn | readonly PlainColumn[]): ColumnProfile {
  const parts: readonly PlainColumn[] = Array.isArray(column) ? column : [column as PlainColumn];
  const type = parts[0]!.type;
  const col: Col = { name, type, i: 0 };
  const rows = parts.reduce((sum, p) => sum + (p.type === 'string' ? p.codes.length : p.values.length), 0);
  const a = type === 'string' ? stringStats(...mergedCounts(parts), col) : numberStats(parts.map((p) => (p.type === 'string' ? new Float64Array(0) : p.values)), col, rows);
  return profileOf(name, type, a, rows);
}

/** A number column's statistics (NaN: missing) of `rows` rows: from its values' counts where it can (plain-counted.ts), else sorted. */
function numberStats(values: readonly Float64Array[], col: Col, rows: number): Found {
  // profileParquet's footer rule (readFooter): a row group's distinct values against its rows, nulls included.
  const isGrouped = (distinct: number) => col.type === 'bool' || distinct <= GROUPED_SHARE * rows;
  const counted = countValues(values);
  if (counted) return countedStats(counted, col, isGrouped(counted.distinct));
  const { sorted, distinct } = sortedValues(values);
  return sortedStats(sorted, col, isGrouped(distinct));
}

/**
 * A string column's count, distinct count and top values (-1: missing), as profileParquet's
 * string paths give them (its min, max, moments, quantiles and histogram stay null).
 */
function stringStats(perCode: Int32Array, dictionary: readonly string[], col: Col): Found {
  let count = 0;
  for (let k = 0; k < perCode.length; k++) count += perCode[k]!;
  let distinct = 0;
  for (let k = 0; k < perCode.length; k++) if (perCode[k]! > 0) distinct++;
  return { count, distinct, top: rankTop(topCandidates(perCode, dictionary), col) };
}

/** The count of each value of the parts' text (-1: missing), over one dictionary: the first part's, then each later part's new values. */
function mergedCounts(parts: readonly PlainColumn[]): [Int32Array, string[]] {
  const first = parts[0]!;
  if (first.type !== 'string') throw new Error('a string column expected');
  const dictionary = [...first.dictionary];
  const ids = parts.length > 1 ? new Map(dictionary.map((s, k) => [s, k])) : undefined;
  const partCounts = parts.map((p) => {
    if (p.type !== 'string') throw new Error('a string column expected');
    return { perCode: codeCounts(p.codes, p.dictionary.length), dictionary: p.dictionary };
  });
  if (!ids) return [partCounts[0]!.perCode, dictionary];
  const idOf = partCounts.map((p) =>
    p.dictionary.map((s) => {
      let id = ids.get(s);
      if (id === undefined) ids.set(s, (id = dictionary.push(s) - 1));
      return id;
    }),
  );
  const merged = new Int32Array(dictionary.length);
  partCounts.forEach((p, k) => p.perCode.forEach((n, code) => (merged[idOf[k]![code]!]! += n)));
  return [merged, dictionary];
}

/**
 * The values rankTop needs to rank the top TOP_K of `perCode`: those counted more often than the
 * TOP_K-th largest count (`cut`), and of those counted `cut` times the ones first by code point
 * (rankTop's order for ties), so that rankTop never sorts a whole dictionary (of a column of
 * distinct values, every value is a tie).
 */
function topCandidates(perCode: Int32Array, dictionary: readonly string[]): { value: string; count: number }[] {
  const cut = largestCounts(perCode)[TOP_K - 1] ?? 1;
  const above: { value: string; count: number }[] = [];
  for (let k = 0; k < perCode.length; k++) if (perCode[k]! > cut) above.push({ value: dictionary[k]!, count: perCode[k]! });
  // The first `room` ties by code point, kept sorted as they come.
  const room = TOP_K - above.length;
  const tied: string[] = [];
  for (let k = 0; k < perCode.length; k++) {
    if (perCode[k] !== cut) continue;
    const value = dictionary[k]!;
    if (tied.length === room && byCodePoint(value, tied[room - 1]!) >= 0) continue;
    let at = tied.length === room ? room - 1 : tied.length;
    while (at > 0 && byCodePoint(tied[at - 1]!, value) > 0) {
      tied[at] = tied[at - 1]!;
      at--;
    }
    tied[at] = value;
  }
  return [...above, ...tied.map((value) => ({ value, count: cut }))];
}

/**
 * Strings compared by code point (as their UTF-8 bytes compare, rankTop's order), from their
 * UTF-16 units: those order code points the same except that a surrogate (0xD800-0xDFFF, half of
 * a code point above 0xFFFF) must come after 0xE000-0xFFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number => (unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit);

/** How many of `codes` (-1: missing) are each of `entries` codes: wasm/column-counts.ts's countCodes for codes in the read's arena. */
function codeCounts(codes: Int32Array, entries: number): Int32Array {
  const arena = arenaOf(codes);
  if (arena) {
    const perCode = arena.i32(arena.alloc(entries * 4), entries);
    arena.wasm.countCodes(codes.byteOffset, codes.length, entries, perCode.byteOffset);
    return perCode;
  }
  const perCode = new Int32Array(entries);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code >= 0) perCode[code]!++;
  }
  return perCode;
}
