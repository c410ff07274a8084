/**
 * The columns of a CSV whose every field is a plain integer (`-`, then 1 to 15 digits) or empty,
 * found by a scan of all the file's bytes in JS. DuckDB's BIGINT read of such a column stores
 * what its DOUBLE read and Keel's check (csv-columns.ts' `whole`) store, so the check can go: on a
 * wide file its planning costs DuckDB more than the read (10,000 columns of 200 rows: about 5 s of
 * CPU for a COPY of 1.5 s without it), where the scan costs a few ms a MB.
 *
 * The scan answers only where its reading of rows cannot differ from DuckDB's: one plain or
 * gzipped file in an ASCII-compatible encoding, a one-byte delimiter, no lines to skip, no comment
 * lines, no short rows to fill. A quoted field is not plain (its quotes may hold a delimiter or a
 * line end, read as DuckDB reads them); a quote inside an unquoted field, or a row of another
 * count of fields than the header's, and the scan gives up: no column is then called plain.
 */
import { EXACT_DIGITS, isIntegerType } from './duckdb-sql.js';
import { scanFile } from './csv-copy.js';
import { contentBytes } from './csv-sample.js';
import { fileDelimiter, type ReadOptions } from './read-options.js';
import type { SniffedType } from './source-sql.js';

/**
 * Bytes of file the scan reads at most per integer column: about 0.2 ms of it (6 ms a MB), where
 * the check costs DuckDB about 0.45 ms a column. A long, narrow file is not scanned (the
 * benchmark's 1,000,000 × 20 file, 119 MB with 4 integer columns, would take 0.65 s).
 */
const BYTES_PER_COLUMN = 32 << 10;

/**
 * The integer columns of one CSV file (`types`, in the file's order) whose every value is a plain
 * integer below 2^53 (plainIntegerColumns), when the file is short enough for its integer columns
 * to be worth the scan; else none.
 */
export async function plainIntegers(path: string, read: ReadOptions, types: readonly SniffedType[]): Promise<Set<string>> {
  const ints = types.filter((t) => isIntegerType(t.duckType)).length;
  if (ints === 0 || !scannable(path, read)) return new Set();
  try {
    if ((await contentBytes(path)) > ints * BYTES_PER_COLUMN) return new Set();
    const plain = await plainIntegerColumns(path, read, types.length);
    return new Set(plain === undefined ? [] : types.filter((t, i) => plain[i] === true && isIntegerType(t.duckType)).map((t) => t.name));
  } catch {
    // A file that cannot be read is DuckDB's to report.
    return new Set();
  }
}

/** Digits a plain integer has at most: 15 are below 2^53, which a DOUBLE holds exactly. */
const MAX_DIGITS = EXACT_DIGITS;

const QUOTE = 0x22, LF = 0x0a, CR = 0x0d, MINUS = 0x2d, ZERO = 0x30, NINE = 0x39;

/** A field's state as its bytes come: EMPTY, after a `-` (SIGN), 1..MAX_DIGITS digits, or NOT_PLAIN. */
const EMPTY = 0, SIGN = -1, NOT_PLAIN = -2;

/** Whether the scan can read `path`'s rows as DuckDB does with `read` (see the module's comment). */
export function scannable(path: string, read: ReadOptions): boolean {
  const plainText = read.encoding !== 'utf-16' && !/\.zst$/i.test(path);
  const simpleRows = (read.skip ?? 0) === 0 && read.comment === undefined && read.fillShortRows !== true;
  return plainText && simpleRows && Buffer.byteLength(fileDelimiter(read.delimiter, path)) === 1;
}

/**
 * For each of the file's `fields` columns, by position: whether every field below the header is a
 * plain integer or empty. Undefined when the scan cannot tell (scannable, or rows it gives up on).
 */
export async function plainIntegerColumns(path: string, read: ReadOptions, fields: number): Promise<boolean[] | undefined> {
  if (!scannable(path, read)) return undefined;
  const delimiter = Buffer.from(fileDelimiter(read.delimiter, path))[0]!;
  const plain = new Uint8Array(fields + 1).fill(1);
  // Where the scan is between chunks (kept in locals within one: this loop is the scan's cost).
  const at = { field: 0, state: EMPTY, quoted: false, afterQuote: false, afterCr: false, header: read.header !== false, start: true, gaveUp: false };
  const look = (chunk: Buffer): boolean => {
    let { field, state, quoted, afterQuote, header } = at;
    let i = 0;
    // A UTF-8 byte order mark, which DuckDB passes over.
    if (at.start && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    if (at.afterCr && chunk[0] === LF) i = 1;
    at.start = at.afterCr = false;
    for (const n = chunk.length; i < n; i++) {
      const b = chunk[i]!;
      if (quoted) {
        // To the closing quote; a doubled one is a quote in the field (it reopens at once).
        if (b === QUOTE) {
          quoted = false;
          afterQuote = true;
        }
      } else if (b >= ZERO && b <= NINE) {
        if (afterQuote) return (at.gaveUp = true);
        state = state === NOT_PLAIN || state === MAX_DIGITS ? NOT_PLAIN : state === SIGN ? 1 : state + 1;
      } else if (b === delimiter || b === LF || b === CR) {
        // The field ends, plain or not (a row longer than the header's is given up at its end).
        if (!header && state < 1 && state !== EMPTY) plain[Math.min(field, fields)] = 0;
        field++;
        state = EMPTY;
        afterQuote = false;
        if (b === delimiter) continue;
        // The row ends, which must have the header's fields.
        if (field !== fields) return (at.gaveUp = true);
        field = 0;
        header = false;
        if (b === CR) {
          if (i + 1 === n) at.afterCr = true;
          else if (chunk[i + 1] === LF) i++;
        }
      } else if (b === QUOTE) {
        // A quote opens a field at its start (or reopens it, doubled); elsewhere DuckDB's strict read refuses it.
        if (state !== EMPTY && !afterQuote) return (at.gaveUp = true);
        quoted = true;
        state = NOT_PLAIN;
      } else {
        if (afterQuote) return (at.gaveUp = true);
        state = b === MINUS && state === EMPTY ? SIGN : NOT_PLAIN;
      }
    }
    Object.assign(at, { field, state, quoted, afterQuote, header });
    return false;
  };
  await scanFile(path, look);
  if (at.gaveUp || at.quoted) return undefined;
  // The last row, without a line end (a file that ends with one has none left: field 0, empty).
  if (at.field > 0 || at.state !== EMPTY) {
    if (at.field + 1 !== fields) return undefined;
    if (!at.header && at.state < 1 && at.state !== EMPTY) plain[at.field] = 0;
  }
  return [...plain.subarray(0, fields)].map((p) => p === 1);
}
