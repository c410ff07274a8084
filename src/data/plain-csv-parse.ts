/**
 * A fast, strict parser of plain CSV files: no quotes, ASCII only, `\n` or `\r\n` line ends, every
 * line the header's width, and each field empty (missing), a plain decimal number or a plain word.
 * Anything else makes it give up ("bail") with the reason, and the file is read by DuckDB as
 * before. It accepts only values that pandas and Keel's DuckDB read alike, so its result is theirs.
 *
 * One loop over the bytes, everything in locals: a number's digits accumulate into one integer
 * mantissa m < 2^53 (exact in a double) and its value is m / 10^f for f ≤ 22 fraction digits, one
 * IEEE division of two exact doubles, so correctly rounded: the double strtod and DuckDB give. A
 * word is hashed as it is scanned and looked up in its column's dictionary (plain-csv-dictionary.ts).
 */
import { FNV_OFFSET, FNV_PRIME, TextDictionary } from './plain-csv-dictionary.js';

export type ParsedColumn =
  | { readonly kind: 'empty' }
  /** negativeZero: some value was -0 (an int column's are 0: the reader sets them so, plain-csv-read.ts). */
  | { readonly kind: 'number'; readonly values: Float64Array; readonly fractional: boolean; readonly negativeZero: boolean }
  | { readonly kind: 'text'; readonly codes: Int32Array; readonly dictionary: string[] };
/** crlfLines, lfLines: the lines ending with `\r\n` and with a bare `\n` (a final line without one counts in neither). */
export interface ParsedPart { readonly rows: number; readonly columns: readonly ParsedColumn[]; readonly crlfLines: number; readonly lfLines: number }
export type Bail = { readonly bail: string };

/**
 * `negativeZero`: `keep` (the default) reads `-0` and `-0.00` as -0, as Number(), strtod, pandas
 * and DuckDB's DOUBLE do (the benchmark file holds some, from toFixed); `bail` gives up on them.
 */
export interface PlainCsvOptions { readonly negativeZero?: 'keep' | 'bail' }

const LF = 0x0a, CR = 0x0d, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;
const NONE = 0, NUMBER = 1, TEXT = 2;
const MAX_MANTISSA = 2 ** 53 - 1;
/** 10^0 … 10^22, each exact in a double. */
const POW10 = Float64Array.from({ length: 23 }, (_, f) => 10 ** f);
/** 1 for the bytes of a word past its first letter: [A-Za-z0-9_]. */
const WORD = new Uint8Array(256);
for (let b = 0; b < 128; b++) WORD[b] = /[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? 1 : 0;
const isLetter = (b: number): boolean => ((b | 0x20) - 0x61) >>> 0 < 26;

const bailOf = (reason: string): Bail => ({ bail: reason });

/** The header's names, or why it is not plain. delimiter: a byte (44 for ','). */
export function plainHeader(bytes: Uint8Array, delimiter: number): { names: string[]; end: number } | Bail {
  const lf = bytes.indexOf(LF);
  if (lf < 0) return bailOf('no line end after the header');
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, lf).toString('latin1').replace(/\r$/, '');
  const names = line.split(String.fromCharCode(delimiter));
  const seen = new Set<string>();
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return bailOf(`header name ${JSON.stringify(name)} is not plain`);
    const key = name.toLowerCase();
    if (seen.has(key)) return bailOf(`header name '${name}' is repeated (case-insensitively)`);
    seen.add(key);
  }
  return { names, end: lf + 1 };
}

/** Incremental parser of complete lines. */
export class PlainCsvParser {
  bail?: string;
  private rows = 0;
  private crlfLines = 0;
  private lfLines = 0;
  private capacity: number;
  private readonly kinds: Uint8Array;
  private readonly fractional: Uint8Array;
  private readonly negativeZeros: Uint8Array;
  /** Per column; an empty array until the column's first number. */
  private readonly numbers: Float64Array[];
  /** Per column; an empty array until the column's first word. */
  private readonly codes: Int32Array[];
  private readonly dictionaries: (TextDictionary | undefined)[];
  private readonly negativeZeroBails: boolean;

  constructor(private readonly width: number, private readonly delimiter: number, expectedRows = 1024, options: PlainCsvOptions = {}) {
    this.capacity = Math.max(16, Math.ceil(expectedRows));
    this.kinds = new Uint8Array(width);
    this.fractional = new Uint8Array(width);
    this.negativeZeros = new Uint8Array(width);
    this.numbers = Array.from({ length: width }, () => new Float64Array(0));
    this.codes = Array.from({ length: width }, () => new Int32Array(0));
    this.dictionaries = Array.from({ length: width }, () => undefined);
    this.negativeZeroBails = options.negativeZero === 'bail';
    // A delimiter that can be part of a value, a quote or a line end would make fields ambiguous.
    if (width < 1) this.bail = 'no columns';
    else if (delimiter >= 0x80 || WORD[delimiter] === 1 || delimiter === MINUS || delimiter === DOT || delimiter === 0x22 || delimiter === LF || delimiter === CR) {
      this.bail = `the delimiter ${JSON.stringify(String.fromCharCode(delimiter))} is not plain`;
    }
  }

  /**
   * Parses bytes[start, end): complete lines only (end just after a '\n'), except with last=true
   * where the final line may lack its '\n'. Returns false when not plain (reason in .bail).
   */
  feed(bytes: Uint8Array, start: number, end: number, last = false): boolean {
    if (this.bail !== undefined) return false;
    if (end <= start) return true;
    if (bytes[end - 1] === LF) return this.lines(bytes, start, end);
    if (!last) return this.fail('a part does not end at a line end');
    if (bytes[end - 1] === CR) return this.fail('a lone \\r ends the part');
    // The final line without its '\n': parsed from a copy with one, so the loop needs no bounds checks.
    const lineStart = bytes.lastIndexOf(LF, end - 1) + 1;
    if (lineStart > start && !this.lines(bytes, start, lineStart)) return false;
    const tail = new Uint8Array(end - Math.max(lineStart, start) + 1);
    tail.set(bytes.subarray(Math.max(lineStart, start), end));
    tail[tail.length - 1] = LF;
    if (!this.lines(tail, 0, tail.length)) return false;
    // The line end added above is not the file's.
    this.lfLines--;
    return true;
  }

  finish(): ParsedPart {
    const rows = this.rows;
    // A subarray when the arrays are mostly full; a copy frees the rest of an overestimate.
    // A view when the arrays are mostly full; a copy (in shared memory too) frees the rest of an overestimate.
    const trim = <T extends Float64Array | Int32Array>(a: T): T => {
      if (rows * 2 >= a.length) return a.subarray(0, rows) as T;
      const copy = shared(a.constructor as SharedArrayType<T>, rows);
      copy.set(a.subarray(0, rows));
      return copy;
    };
    const columns = Array.from({ length: this.width }, (_, c): ParsedColumn => {
      if (this.kinds[c] === NUMBER) return { kind: 'number', values: trim(this.numbers[c]!), fractional: this.fractional[c] === 1, negativeZero: this.negativeZeros[c] === 1 };
      if (this.kinds[c] === TEXT) return { kind: 'text', codes: trim(this.codes[c]!), dictionary: this.dictionaries[c]!.strings };
      return { kind: 'empty' };
    });
    return { rows, columns, crlfLines: this.crlfLines, lfLines: this.lfLines };
  }

  private fail(reason: string): false {
    this.bail = reason;
    return false;
  }

  private failAt(row: number, what: string): false {
    return this.fail(`line ${row + 1} of the part: ${what}`);
  }

  /** Parses the lines of bytes[start, end), which ends with '\n'. */
  private lines(bytes: Uint8Array, start: number, end: number): boolean {
    const width = this.width, delimiter = this.delimiter, negativeZeroBails = this.negativeZeroBails;
    const kinds = this.kinds, fractional = this.fractional, numbers = this.numbers, codes = this.codes, dictionaries = this.dictionaries;
    let row = this.rows;
    let i = start;
    while (i < end) {
      if (row === this.capacity) this.grow();
      let b = bytes[i]!;
      if (b === LF || b === CR) return this.failAt(row, 'an empty line');
      let column = 0;
      for (;;) {
        if (b === delimiter || b === LF || b === CR) {
          const kind = kinds[column];
          if (kind === NUMBER) numbers[column]![row] = NaN;
          else if (kind === TEXT) codes[column]![row] = -1;
        } else if (b <= NINE && (b >= ZERO || b === MINUS)) {
          const negative = b === MINUS;
          if (negative) {
            b = bytes[++i]!;
            if (b < ZERO || b > NINE) return this.failAt(row, "a '-' without a digit after it");
          }
          let m = b - ZERO;
          b = bytes[++i]!;
          if (m === 0) {
            if (b >= ZERO && b <= NINE) return this.failAt(row, 'a number with a leading zero');
          } else {
            while (b >= ZERO && b <= NINE) {
              m = m * 10 + (b - ZERO);
              b = bytes[++i]!;
            }
          }
          let value = m;
          if (b === DOT) {
            const first = i + 1;
            b = bytes[++i]!;
            while (b >= ZERO && b <= NINE) {
              m = m * 10 + (b - ZERO);
              b = bytes[++i]!;
            }
            const digits = i - first;
            if (digits === 0 || digits > 22) return this.failAt(row, digits === 0 ? "a number ending with '.'" : 'more than 22 fraction digits');
            value = m / POW10[digits]!;
            fractional[column] = 1;
          }
          // Past 2^53 the sum is no longer exact, but it stays at or above 2^53 (rounding is monotonic).
          if (m > MAX_MANTISSA) return this.failAt(row, 'a number with more digits than a double holds exactly');
          if (negative) {
            if (m === 0) {
              if (negativeZeroBails) return this.failAt(row, 'a negative zero');
              this.negativeZeros[column] = 1;
            }
            value = -value;
          }
          if (b !== delimiter && b !== LF && b !== CR) return this.failAt(row, `a number followed by ${JSON.stringify(String.fromCharCode(b))}`);
          if (kinds[column] !== NUMBER && !this.startColumn(column, NUMBER, row)) return false;
          numbers[column]![row] = value;
        } else if (isLetter(b)) {
          const first = i;
          let hash = Math.imul(FNV_OFFSET ^ b, FNV_PRIME);
          b = bytes[++i]!;
          while (WORD[b] === 1) {
            hash = Math.imul(hash ^ b, FNV_PRIME);
            b = bytes[++i]!;
          }
          if (b !== delimiter && b !== LF && b !== CR) return this.failAt(row, `a word followed by ${JSON.stringify(String.fromCharCode(b))}`);
          if (kinds[column] !== TEXT && !this.startColumn(column, TEXT, row)) return false;
          const code = dictionaries[column]!.code(bytes, first, i, hash);
          if (code < 0) return this.failAt(row, dictionaries[column]!.refused!);
          codes[column]![row] = code;
        } else {
          return this.failAt(row, `a field starting with ${JSON.stringify(String.fromCharCode(b))}`);
        }
        // b (at i) ends the field.
        if (b === delimiter) {
          if (++column === width) return this.failAt(row, `more than ${width} fields`);
          b = bytes[++i]!;
          continue;
        }
        if (b === CR) {
          if (bytes[++i] !== LF) return this.failAt(row, 'a lone \\r');
          this.crlfLines++;
        } else this.lfLines++;
        if (column !== width - 1) return this.failAt(row, `${column + 1} fields, not ${width}`);
        i++;
        break;
      }
      // Stored at each line, not once after the loop: optimized while the loop runs (OSR), code
      // after it has no type feedback yet, and reaching it would drop the optimized code.
      this.rows = ++row;
    }
    return true;
  }

  /** Gives a column its kind at its first value (or bails when it has the other kind). */
  private startColumn(column: number, kind: typeof NUMBER | typeof TEXT, row: number): boolean {
    if (this.kinds[column] !== NONE) return this.failAt(row, `column ${column + 1} holds both numbers and words`);
    this.kinds[column] = kind;
    // The rows before are missing; the ones after are written one by one.
    if (kind === NUMBER) this.numbers[column] = shared(Float64Array, this.capacity).fill(NaN, 0, row);
    else {
      this.codes[column] = shared(Int32Array, this.capacity).fill(-1, 0, row);
      this.dictionaries[column] = new TextDictionary();
    }
    return true;
  }

  /** Doubles every array (the row estimate was short). */
  private grow(): void {
    const capacity = this.capacity * 2;
    for (let c = 0; c < this.width; c++) {
      if (this.kinds[c] === NUMBER) this.numbers[c] = grown(shared(Float64Array, capacity), this.numbers[c]!);
      else if (this.kinds[c] === TEXT) this.codes[c] = grown(shared(Int32Array, capacity), this.codes[c]!);
    }
    this.capacity = capacity;
  }
}

/**
 * A zeroed array of n elements in shared memory: the reader's threads read a column at once, one
 * encoding it and another profiling it (plain-csv-read.ts), none copying it.
 */
function shared<T extends Float64Array | Int32Array>(Type: SharedArrayType<T>, n: number): T {
  return new Type(new SharedArrayBuffer(n * Type.BYTES_PER_ELEMENT));
}

type SharedArrayType<T> = { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

function grown<T extends Float64Array | Int32Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
