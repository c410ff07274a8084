/**
 * A number chunk of few distinct values (ages, counts, one-decimal measures) dictionary-encoded:
 * a PLAIN dictionary page (INT64 or DOUBLE) and RLE_DICTIONARY indices, ~1-2 bytes a value
 * instead of 8. On this kind of machine fresh memory costs ~3 ms a MB (page faults), in the
 * encoder's output and again in the file's page cache, so the smaller page is also the faster.
 * The distinct values are found with an open-addressing table on the doubles' bits (a Map costs
 * ~40 ns a value); a chunk with more than MAX_ENTRIES (or a sixteenth of its values) gives up early.
 */
import { type ByteSink, bitPackedRunLength, bitWidth, definitionLevelsLength, writeBitPackedRun, writeNumberLevels } from './parquet-js-bytes.js';
import { dataPageHeader, dictionaryPageHeader, Encoding, type EncodedChunk } from './parquet-js-pages.js';
import { NOT_DECIMAL, TOO_MANY } from './plain-columns-wasm.js';
import { arenaOf, threadArena, type Arena } from './plain-wasm.js';

/** At most 2^13 entries: indices of 13 bits at most, a hash table of 256 KiB (in a core's cache). */
const MAX_ENTRIES = 1 << 13;

/** Cells of the direct table of short decimals (min to max in steps of 10^-k). */
const DECIMAL_CELLS = 1 << 16;
const SCALES = [1, 10, 100, 1000, 10_000];

/**
 * The scratch arrays of a NumberDictionary. Each encode leaves them as it found them (the used
 * slots and cells cleared), so one set serves every column of a thread in turn: fresh arrays cost
 * a page fault per 4 KiB on first touch, and a column's pieces (plain-row-groups.ts) each had theirs.
 */
interface Scratch {
  readonly arena: Arena;
  /** 4 ints a slot: entry number + 1 (0 for free), the value's low and high halves, unused. */
  readonly table: Int32Array;
  readonly shift: number;
  /** Entry → its slot (to free it), the row of its first occurrence (its value is values[first]). */
  readonly entrySlot: Int32Array;
  readonly first: Int32Array;
  readonly indices: Int32Array;
  /** Cell of a short decimal → entry number + 1 (0 for none); entry → its cell. */
  readonly cells: Int32Array;
  readonly entryCell: Int32Array;
}

let shared: Scratch | undefined;

/** Scratch for chunks of up to groupRows rows: the shared set, grown if too small. */
function scratchFor(groupRows: number): Scratch {
  const entries = Math.min(MAX_ENTRIES, Math.max(1, groupRows >> 4));
  const arena = threadArena();
  if (shared && shared.arena === arena && shared.first.length >= entries && shared.indices.length >= groupRows) return shared;
  const rows = Math.max(groupRows, shared?.indices.length ?? 0), most = Math.max(entries, shared?.first.length ?? 0);
  const slotCount = 2 ** Math.ceil(Math.log2(2 * most));
  // In the read's arena (plain-wasm.ts), where wasm/column-pages.ts's decimalCells reaches them.
  const ints = (n: number) => arena.i32(arena.alloc(n * 4), n);
  shared = {
    arena,
    table: ints(slotCount * 4),
    shift: 32 - Math.log2(slotCount),
    entrySlot: ints(most),
    first: ints(most),
    indices: ints(rows),
    cells: ints(DECIMAL_CELLS),
    entryCell: ints(most),
  };
  return shared;
}

/** Dictionary encoding of one column's number chunks (its scratch shared: see Scratch). */
export class NumberDictionary {
  private readonly bits: Int32Array;
  private readonly table: Int32Array;
  private readonly shift: number;
  private readonly entrySlot: Int32Array;
  private readonly first: Int32Array;
  private readonly indices: Int32Array;
  private readonly cells: Int32Array;
  private readonly entryCell: Int32Array;

  /**
   * `misses`: the chunks given up on in a row; after two, the column is taken for many-valued and
   * not tried again. Shared by the dictionaries of a column's pieces (plain-row-groups.ts), so that
   * each chunk is tried as it would be were the column encoded whole.
   */
  constructor(private readonly values: Float64Array, groupRows: number, private readonly misses: { count: number } = { count: 0 }) {
    // The doubles' two 32-bit halves (little-endian: low half first): what is hashed and compared.
    this.bits = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    ({ table: this.table, shift: this.shift, entrySlot: this.entrySlot, first: this.first, indices: this.indices, cells: this.cells, entryCell: this.entryCell } = scratchFor(groupRows));
  }

  /** The chunk of values[start..end) dictionary-encoded, or undefined (nothing written) when it has too many distinct values. */
  encode(sink: ByteSink, type: 'int' | 'float', start: number, end: number, nulls: number, min: number, max: number): EncodedChunk | undefined {
    const n = end - start;
    const present = n - nulls;
    // A dozen values or fewer: the dictionary would not pay for its page header.
    if (present < 16 || this.misses.count >= 2) return undefined;
    // At most a sixteenth of the values distinct: 2 bytes a value at most, index and entry.
    const limit = Math.min(present >> 4, this.first.length);
    const decimals = this.decimalCells(start, end, limit, min, max);
    const entries = decimals === NOT_DECIMAL ? this.distinct(start, end, limit) : decimals;
    this.misses.count = entries === undefined ? this.misses.count + 1 : 0;
    if (entries === undefined) return undefined;
    const { values, first } = this;
    const offset = sink.pos;
    const dictionaryHeader = dictionaryPageHeader(entries * 8, entries);
    sink.ensure(dictionaryHeader.length + entries * 8);
    sink.bytes(dictionaryHeader);
    const view = new DataView(sink.buf.buffer, sink.buf.byteOffset);
    for (let k = 0; k < entries; k++, sink.pos += 8) {
      const v = values[first[k]!]!;
      if (type === 'float') view.setFloat64(sink.pos, v, true);
      else {
        const lo = v | 0;
        view.setInt32(sink.pos, lo, true);
        view.setInt32(sink.pos + 4, (v - (lo >>> 0)) / 4294967296, true);
      }
    }
    const dictionaryPageLength = sink.pos - offset;
    const width = Math.max(1, bitWidth(entries - 1));
    const levelsLength = definitionLevelsLength(n, nulls);
    const valuesLength = 1 + bitPackedRunLength(present, width);
    sink.bytes(dataPageHeader(4 + levelsLength + valuesLength, n, Encoding.RLE_DICTIONARY));
    sink.u32le(levelsLength);
    writeNumberLevels(sink, values, start, end, nulls);
    sink.ensure(1);
    sink.buf[sink.pos++] = width;
    writeBitPackedRun(sink, this.indices, present, width);
    return {
      offset, length: sink.pos - offset, sourceOffset: 0, sourceLength: 0, numValues: n, nulls, dictionaryPageLength,
      encodings: [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY], min, max,
    };
  }

  /**
   * Numbers the distinct present values of values[start..end) in order of first occurrence
   * (bitwise: -0 and 0 are two entries, as they are two doubles), filling `indices` with each
   * present value's number; undefined as soon as there are more than `limit`.
   */
  /**
   * As `distinct`, faster, for whole numbers and short decimals (a CSV's 20.5, 0.0325) in a narrow
   * range: a value's entry is looked up directly by round(v × 10^k) - round(min × 10^k), no hash.
   * NOT_DECIMAL when the chunk's values are not such (checked on each: round(v × 10^k) / 10^k is
   * v itself), nor -0.0 (which the cell of 0 would merge with 0.0). The loop is wasm/column-pages.ts's
   * decimalCells for values in the read's arena, this one's for others.
   */
  private decimalCells(start: number, end: number, limit: number, min: number, max: number): number | undefined {
    const { values, cells, entryCell, first, indices } = this;
    // The least scale that a sample of 16 values (and the bounds) are multiples of 10^-k at.
    const step = Math.max(1, Math.floor((end - start) / 16));
    const fits = (scale: number): boolean => {
      if ((max - min) * scale >= DECIMAL_CELLS - 1 || Math.round(min * scale) / scale !== min || Math.round(max * scale) / scale !== max) return false;
      for (let i = start; i < end; i += step) {
        const v = values[i]!;
        if (v === v && Math.round(v * scale) / scale !== v) return false;
      }
      return true;
    };
    const scale = SCALES.find(fits);
    if (scale === undefined) return NOT_DECIMAL;
    const base = Math.round(min * scale);
    const arena = arenaOf(values);
    if (arena && arenaOf(cells) === arena) {
      const result = arena.wasm.decimalCells(values.byteOffset + start * 8, end - start, start, scale, base, limit, cells.byteOffset, entryCell.byteOffset, first.byteOffset, indices.byteOffset);
      return result === TOO_MANY ? undefined : result;
    }
    let entries = 0;
    let present = 0;
    try {
      for (let i = start; i < end; i++) {
        const v = values[i]!;
        if (v !== v) continue;
        const x = Math.round(v * scale);
        if (x / scale !== v || (x === 0 && 1 / v < 0)) return NOT_DECIMAL;
        const cell = x - base;
        const e = cells[cell]! - 1;
        if (e >= 0) indices[present++] = e;
        else {
          if (entries === limit) return undefined;
          cells[cell] = entries + 1;
          entryCell[entries] = cell;
          first[entries] = i;
          indices[present++] = entries++;
        }
      }
      return entries;
    } finally {
      for (let k = 0; k < entries; k++) cells[entryCell[k]!] = 0;
    }
  }

  private distinct(start: number, end: number, limit: number): number | undefined {
    const { bits, table, shift, entrySlot, first, indices } = this;
    const mask = (table.length >> 2) - 1;
    // wasm/column-pages.ts's distinctBits for values in the read's arena, where the table is too.
    const arena = arenaOf(this.values);
    if (arena && arenaOf(table) === arena) {
      const result = arena.wasm.distinctBits(this.values.byteOffset + start * 8, end - start, start, limit, table.byteOffset, mask, shift, entrySlot.byteOffset, first.byteOffset, indices.byteOffset);
      return result === TOO_MANY ? undefined : result;
    }
    let entries = 0;
    let present = 0;
    try {
      for (let i = start; i < end; i++) {
        const lo = bits[2 * i]!;
        const hi = bits[2 * i + 1]!;
        // NaN (exponent all ones, a mantissa bit set): a missing value, not an entry.
        if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) continue;
        let slot = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> shift;
        for (;;) {
          const at = slot << 2;
          const e = table[at]! - 1;
          if (e < 0) {
            if (entries === limit) return undefined;
            table[at] = entries + 1;
            table[at + 1] = lo;
            table[at + 2] = hi;
            entrySlot[entries] = slot;
            first[entries] = i;
            indices[present++] = entries++;
            break;
          }
          if (table[at + 1] === lo && table[at + 2] === hi) {
            indices[present++] = e;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
      return entries;
    } finally {
      // Free the used slots only: cheaper than clearing the table when few were used.
      for (let k = 0; k < entries; k++) table[entrySlot[k]! << 2] = 0;
    }
  }
}
