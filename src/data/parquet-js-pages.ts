/**
 * What the JS Parquet writer's encoders share: the encoded chunk a footer entry is made from, the
 * enum values of parquet.thrift they write, and the page headers (Thrift compact).
 */
import { ThriftWriter } from './parquet-js-thrift.js';

/** parquet.thrift's Encoding values. */
export const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;

const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

/** One row group's chunk of a column: where its pages lie in EncodedColumn.bytes, and what its footer entry says. */
export interface EncodedChunk {
  /** Byte offset of the chunk's first page in EncodedColumn.bytes. */
  readonly offset: number;
  /** Its bytes there: all its pages, headers included, unless `sourceLength` bytes follow. */
  readonly length: number;
  /**
   * More bytes of the chunk, after those, in EncodedColumn.source (the column's own values): a
   * DOUBLE page with no missing value is the values as they are, so they are not copied. 0 when none.
   */
  readonly sourceOffset: number;
  readonly sourceLength: number;
  /** Rows of the chunk, missing ones included (a flat column has a value per row). */
  readonly numValues: number;
  readonly nulls: number;
  /** Bytes of the dictionary page (header included) before the data page; 0 when there is none. */
  readonly dictionaryPageLength: number;
  readonly encodings: readonly number[];
  /** The least and greatest present value of a number column (bools 0/1); absent for text and when all are missing. */
  readonly min?: number;
  readonly max?: number;
}

/** The chunk's size in the file (uncompressed and compressed alike). */
export function chunkFileLength(chunk: EncodedChunk): number {
  return chunk.length + chunk.sourceLength;
}

/** A data page v1's header: `pageLength` bytes (levels and values) of `numValues` values, missing ones included. */
export function dataPageHeader(pageLength: number, numValues: number, encoding: number): Uint8Array {
  // DataPageHeader: num_values, encoding, definition and repetition level encodings (RLE).
  return pageHeader(PageType.DATA_PAGE, pageLength, (w) => w.struct(5, (d) => d.i32(1, numValues).i32(2, encoding).i32(3, Encoding.RLE).i32(4, Encoding.RLE)));
}

/** A dictionary page's header: `entries` values PLAIN in `pageLength` bytes. */
export function dictionaryPageHeader(pageLength: number, entries: number): Uint8Array {
  return pageHeader(PageType.DICTIONARY_PAGE, pageLength, (w) => w.struct(7, (d) => d.i32(1, entries).i32(2, Encoding.PLAIN)));
}

function pageHeader(type: number, pageLength: number, body: (w: ThriftWriter) => void): Uint8Array {
  // No compression: the uncompressed and compressed sizes are the same.
  const w = new ThriftWriter().i32(1, type).i32(2, pageLength).i32(3, pageLength);
  body(w);
  return w.bytes();
}
