/**
 * A text column's chunk: BYTE_ARRAY (UTF-8), a PLAIN dictionary page of the entries the row group
 * uses (not all of the column's: a column of a million distinct values would repeat them in every
 * row group) and a data page of RLE_DICTIONARY indices, one bit-packed run.
 */
import { ByteSink, bitPackedRunLength, bitWidth, definitionLevelsLength, writeBitPackedRun, writeCodeLevels, writeUtf8Value } from './parquet-js-bytes.js';
import { dataPageHeader, dictionaryPageHeader, Encoding, type EncodedChunk } from './parquet-js-pages.js';
import { arenaOf, threadArena, type Arena } from './plain-wasm.js';

/**
 * The scratch arrays of a StringChunkEncoder, shared by every text column of a thread in turn:
 * each chunk leaves `remap` all -1 again. (Fresh arrays cost a page fault per 4 KiB on first
 * touch, and a column's pieces, plain-row-groups.ts, each had theirs.)
 */
interface Scratch {
  readonly arena: Arena;
  readonly remap: Int32Array;
  readonly used: Int32Array;
  readonly indices: Int32Array;
  readonly dictionarySink: ByteSink;
}

let shared: Scratch | undefined;

function scratchFor(entries: number, groupRows: number): Scratch {
  const arena = threadArena();
  if (shared && shared.arena === arena && shared.remap.length >= entries && shared.indices.length >= groupRows) return shared;
  const most = Math.max(entries, shared?.remap.length ?? 0), rows = Math.max(groupRows, shared?.indices.length ?? 0);
  // In the plain CSV read's arena (plain-wasm.ts), where wasm/column-pages.ts's bitPack reads the indices.
  const ints = (n: number) => arena.i32(arena.alloc(n * 4), n);
  shared = { arena, remap: ints(most).fill(-1), used: ints(Math.min(rows, most)), indices: ints(rows), dictionarySink: shared?.dictionarySink ?? new ByteSink(1 << 16) };
  return shared;
}

/**
 * Text chunks: a row group's codes renumbered densely in order of first use, the used entries
 * as the dictionary page. Scratch arrays are kept across the row groups of a column.
 */
export class StringChunkEncoder {
  private readonly dictionarySink: ByteSink;
  /** Dictionary code → its number in the chunk, -1 for none yet (scratch: every entry -1 between chunks). */
  private readonly remap: Int32Array;
  private readonly used: Int32Array;
  private readonly indices: Int32Array;

  constructor(
    readonly sink: ByteSink,
    private readonly codes: Int32Array,
    private readonly dictionary: readonly string[],
    groupRows: number,
  ) {
    ({ remap: this.remap, used: this.used, indices: this.indices, dictionarySink: this.dictionarySink } = scratchFor(dictionary.length, groupRows));
  }

  encode(start: number, end: number): EncodedChunk {
    const { codes, remap, used, indices, sink } = this;
    const entries = this.dictionary.length;
    const { present, distinct } = renumbered(codes, start, end, entries, remap, used, indices);
    const n = end - start;
    const nulls = n - present;
    const levelsLength = definitionLevelsLength(n, nulls);
    const offset = sink.pos;
    if (present === 0) {
      // No value, so no dictionary: an empty PLAIN data page of the levels alone.
      sink.bytes(dataPageHeader(4 + levelsLength, n, Encoding.PLAIN));
      sink.u32le(levelsLength);
      writeCodeLevels(sink, codes, start, end, nulls);
      return { offset, length: sink.pos - offset, sourceOffset: 0, sourceLength: 0, numValues: n, nulls, dictionaryPageLength: 0, encodings: [Encoding.PLAIN, Encoding.RLE] };
    }
    const dict = this.dictionarySink;
    dict.pos = 0;
    for (let k = 0; k < distinct; k++) writeUtf8Value(dict, this.dictionary[used[k]!]!);
    sink.bytes(dictionaryPageHeader(dict.pos, distinct));
    sink.bytes(dict.buf.subarray(0, dict.pos));
    const dictionaryPageLength = sink.pos - offset;
    // Width 1 at least: a 0-bit width (one entry) is legal but a rarer path in readers.
    const width = Math.max(1, bitWidth(distinct - 1));
    const valuesLength = 1 + bitPackedRunLength(present, width);
    sink.bytes(dataPageHeader(4 + levelsLength + valuesLength, n, Encoding.RLE_DICTIONARY));
    sink.u32le(levelsLength);
    writeCodeLevels(sink, codes, start, end, nulls);
    sink.ensure(valuesLength);
    sink.buf[sink.pos++] = width;
    writeBitPackedRun(sink, indices, present, width);
    return {
      offset, length: sink.pos - offset, sourceOffset: 0, sourceLength: 0, numValues: n, nulls, dictionaryPageLength,
      encodings: [Encoding.PLAIN, Encoding.RLE, Encoding.RLE_DICTIONARY],
    };
  }
}

/**
 * A chunk's codes[start, end) numbered densely in order of first use (`used` the codes in that
 * order, `indices` each present value's number; `remap` left all -1): wasm/column-pages.ts's
 * renumberCodes for codes in the read's arena, this loop for others.
 */
function renumbered(codes: Int32Array, start: number, end: number, entries: number, remap: Int32Array, used: Int32Array, indices: Int32Array): { present: number; distinct: number } {
  const arena = arenaOf(codes);
  if (arena && arenaOf(remap) === arena) {
    const present = arena.wasm.renumberCodes(codes.byteOffset + start * 4, end - start, entries, remap.byteOffset, used.byteOffset, indices.byteOffset, arena.out);
    if (present < 0) throw pastTheDictionary(codes, start - 1 - present, entries);
    return { present, distinct: arena.i32(arena.out, 1)[0]! };
  }
  let present = 0;
  let distinct = 0;
  for (let i = start; i < end; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    if (c >= entries) {
      for (let k = 0; k < distinct; k++) remap[used[k]!] = -1;
      throw pastTheDictionary(codes, i, entries);
    }
    let r = remap[c]!;
    if (r < 0) {
      r = remap[c] = distinct;
      used[distinct++] = c;
    }
    indices[present++] = r;
  }
  for (let k = 0; k < distinct; k++) remap[used[k]!] = -1;
  return { present, distinct };
}

const pastTheDictionary = (codes: Int32Array, row: number, entries: number): Error => new Error(`code ${codes[row]} of row ${row} is past the dictionary's ${entries} entries`);
