/**
 * A Parquet file from encoded columns (parquet-js-encode.ts): `PAR1`, each row group's column
 * chunks in column order, the FileMetaData footer (Thrift compact), its length and `PAR1`. The
 * chunks are written as the pieces they are, never copied into one buffer.
 */
import { open } from 'node:fs/promises';
import { chunkFileLength, type EncodedChunk, type EncodedColumn } from './parquet-js-encode.js';
import { ThriftWriter } from './parquet-js-thrift.js';
import type { PlainType } from './plain-column.js';

const MAGIC = new TextEncoder().encode('PAR1');

/** parquet.thrift's Type of each plain type. */
const PhysicalType = { bool: 0, int: 2, float: 5, string: 6 } as const satisfies Record<PlainType, number>;

/** Writes the file at `path` (replacing one there); no fsync (the artifact store copies it). */
export async function writeParquetFile(path: string, names: readonly string[], types: readonly PlainType[], columns: readonly ColumnParts[], rows: number, rowGroupRows: number): Promise<void> {
  const pieces = parquetFilePieces(names, types, columns, rows, rowGroupRows);
  const file = await open(path, 'w');
  try {
    let position = 0;
    for (const piece of pieces) {
      for (let done = 0; done < piece.length;) done += (await file.write(piece, done, piece.length - done, position + done)).bytesWritten;
      position += piece.length;
    }
  } finally {
    await file.close();
  }
}

/**
 * A column: encoded whole, or as consecutive parts of its rows (the parts the parse workers read,
 * plain-csv-read.ts), each encoded on its own. Every column must be cut the same way: a part's
 * last row group may be short, so row groups need not all have rowGroupRows rows.
 */
export type ColumnParts = EncodedColumn | readonly EncodedColumn[];

/** A chunk with the bytes it lies in. */
interface PlacedChunk {
  readonly chunk: EncodedChunk;
  readonly bytes: Uint8Array;
  readonly source?: Uint8Array;
}

/**
 * The whole file as pieces to write in order: `PAR1`, the chunks (subarrays of the columns'
 * bytes), the footer with its length and `PAR1`. Checks that the columns agree with `names`,
 * `types`, `rows`, `rowGroupRows` and each other's row groups.
 */
export function parquetFilePieces(names: readonly string[], types: readonly PlainType[], columns: readonly ColumnParts[], rows: number, rowGroupRows: number): Uint8Array[] {
  if (names.length !== types.length || names.length !== columns.length) throw new Error(`${names.length} names, ${types.length} types and ${columns.length} columns`);
  const placed = columns.map((column, i): PlacedChunk[] => {
    const parts: readonly EncodedColumn[] = Array.isArray(column) ? column : [column as EncodedColumn];
    const partRows = parts.reduce((sum, c) => sum + c.rows, 0);
    if (partRows !== rows) throw new Error(`column ${names[i]} has ${partRows} rows, not ${rows}`);
    return parts.flatMap((c) => {
      if (c.type !== types[i]) throw new Error(`column ${names[i]} is encoded as ${c.type}, not ${types[i]}`);
      if (c.chunks.length !== Math.ceil(c.rows / rowGroupRows)) throw new Error(`column ${names[i]} has ${c.rows} rows in ${c.chunks.length} chunks, not ${Math.ceil(c.rows / rowGroupRows)}`);
      return c.chunks.map((chunk, g) => {
        if (chunk.sourceLength > 0 && !c.source) throw new Error(`column ${names[i]}'s chunk ${g} has values in a source the column does not have`);
        if (chunk.numValues !== Math.min(rowGroupRows, c.rows - g * rowGroupRows)) throw new Error(`column ${names[i]}'s chunk ${g} has ${chunk.numValues} rows, not the row group's`);
        return { chunk, bytes: c.bytes, ...(c.source ? { source: c.source } : {}) };
      });
    });
  });
  const groups = placed[0]?.length ?? 0;
  placed.forEach((p, i) => {
    if (p.length !== groups || p.some((c, g) => c.chunk.numValues !== placed[0]![g]!.chunk.numValues)) throw new Error(`column ${names[i]}'s row groups are not column ${names[0]}'s`);
  });
  const pieces: Uint8Array[] = [MAGIC];
  const rowGroups: RowGroupPlace[] = [];
  let position = MAGIC.length;
  for (let g = 0; g < groups; g++) {
    const offsets: number[] = [];
    let size = 0;
    for (const column of placed) {
      const { chunk, bytes, source } = column[g]!;
      pieces.push(bytes.subarray(chunk.offset, chunk.offset + chunk.length));
      if (chunk.sourceLength > 0) pieces.push(source!.subarray(chunk.sourceOffset, chunk.sourceOffset + chunk.sourceLength));
      offsets.push(position);
      position += chunkFileLength(chunk);
      size += chunkFileLength(chunk);
    }
    rowGroups.push({ offsets, size, rows: placed[0]![g]!.chunk.numValues });
  }
  const footer = fileMetaData(names, types, placed, rows, rowGroups);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footer.length, true);
  tail.set(MAGIC, 4);
  pieces.push(footer, tail);
  return pieces;
}

/** Where a row group's chunks start in the file, its size and rows. */
interface RowGroupPlace {
  readonly offsets: readonly number[];
  readonly size: number;
  readonly rows: number;
}

function fileMetaData(names: readonly string[], types: readonly PlainType[], columns: readonly (readonly PlacedChunk[])[], rows: number, rowGroups: readonly RowGroupPlace[]): Uint8Array {
  const w = new ThriftWriter().i32(1, 1);
  // The schema: a root group, then one OPTIONAL leaf per column, depth first.
  const schema = [-1, ...names.map((_, i) => i)];
  w.structList(2, schema, (s, i) => {
    if (i < 0) {
      s.string(4, 'schema').i32(5, names.length);
      return;
    }
    s.i32(1, PhysicalType[types[i]!]).i32(3, 1).string(4, names[i]!);
    // STRING (converted type UTF8, and the logical type's union field 1): read as VARCHAR, not BLOB.
    if (types[i] === 'string') s.i32(6, 0).struct(10, (l) => l.struct(1, () => {}));
  });
  w.i64(3, rows);
  w.structList(4, rowGroups.map((place, g) => ({ place, g })), (r, { place, g }) => {
    r.structList(1, columns.map((column, i) => ({ chunk: column[g]!.chunk, i })), (c, { chunk, i }) => {
      const offset = place.offsets[i]!;
      c.i64(2, offset).struct(3, (m) => columnMetaData(m, names[i]!, types[i]!, chunk, offset));
    });
    r.i64(2, place.size).i64(3, place.rows).i64(5, place.offsets[0]!).i64(6, place.size);
  });
  w.string(6, 'keel');
  // TYPE_ORDER for every column: the order min_value and max_value are by (signed for numbers).
  w.structList(7, names, (o) => o.struct(1, () => {}));
  return w.bytes();
}

function columnMetaData(m: ThriftWriter, name: string, type: PlainType, chunk: EncodedChunk, offset: number): void {
  m.i32(1, PhysicalType[type]).i32List(2, chunk.encodings).stringList(3, [name]).i32(4, 0);
  m.i64(5, chunk.numValues).i64(6, chunkFileLength(chunk)).i64(7, chunkFileLength(chunk)).i64(9, offset + chunk.dictionaryPageLength);
  if (chunk.dictionaryPageLength > 0) m.i64(11, offset);
  m.struct(12, (s) => {
    s.i64(3, chunk.nulls);
    if (chunk.min !== undefined && chunk.max !== undefined) s.binary(5, plainValue(type, chunk.max, 'max')).binary(6, plainValue(type, chunk.min, 'min'));
    // No NaN is ever stored (NaN is how a PlainColumn says missing).
    if (type === 'float') s.i64(9, 0);
  });
}

/** A statistic as its PLAIN bytes. */
function plainValue(type: PlainType, v: number, bound: 'min' | 'max'): Uint8Array {
  if (type === 'bool') return Uint8Array.of(v === 0 ? 0 : 1);
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  if (type === 'float') {
    // parquet-format's rule for a zero bound: -0.0 as a min, +0.0 as a max (either zero may be there).
    view.setFloat64(0, v === 0 ? (bound === 'min' ? -0 : 0) : v, true);
    return bytes;
  }
  const lo = v | 0;
  view.setInt32(0, lo, true);
  view.setInt32(4, (v - (lo >>> 0)) / 4294967296, true);
  return bytes;
}
