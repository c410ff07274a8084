/**
 * A fast, strict parser of plain CSV files: no quotes, ASCII only, `\n` or `\r\n` line ends, every
 * line the header's width, and each field empty (missing), a plain decimal number or a plain word.
 * Anything else makes it give up ("bail") with the reason, and the file is read by DuckDB as
 * before. It accepts only values that pandas and Keel's DuckDB read alike, so its result is theirs.
 *
 * The loop over the bytes is WebAssembly (wasm/plain.ts, plain-wasm.ts): a number's
 * digits accumulate into one integer mantissa m < 2^53 (exact in a double) and its value is
 * m / 10^f for f ≤ 22 fraction digits, one IEEE division of two exact doubles, so correctly
 * rounded: the double strtod and DuckDB give. A word is hashed as it is scanned and looked up in
 * its column's dictionary (plain-csv-dictionary.ts). This class lays the columns out in the
 * loop's memory and handles what the loop returns for: a column's first value, a new word, more
 * rows than the columns hold, and why a field is not plain.
 */
import { TextDictionary } from './plain-csv-dictionary.js';
import { EVENT, threadArena, type Arena } from './plain-wasm.js';

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

const LF = 0x0a, CR = 0x0d, MINUS = 0x2d, DOT = 0x2e;
const NUMBER = 1, TEXT = 2;
/** 1 for the bytes of a word past its first letter: [A-Za-z0-9_]. */
const WORD = new Uint8Array(256);
for (let b = 0; b < 128; b++) WORD[b] = /[A-Za-z0-9_]/.test(String.fromCharCode(b)) ? 1 : 0;
/** A column's entry in the loop's columns block: kind, data, table, fractional, negative zero (ints; 32 bytes). */
const KIND = 0, DATA = 1, TABLE = 2, FRACTIONAL = 3, NEGATIVE_ZERO = 4, COLUMN_INTS = 8;
/** The loop's event block: stop position, row, column, a, b, hash, crlf lines, lf lines. */
const AT = 0, ROW = 1, COLUMN = 2, A = 3, B = 4, HASH = 5, CRLF_LINES = 6, LF_LINES = 7;

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
  private capacity: number;
  private readonly arena: Arena;
  /** The columns block and the event block, in the arena, and views of them. */
  private readonly block: number;
  private readonly event: number;
  private readonly columns: Int32Array;
  private readonly events: Int32Array;
  /** Per column; undefined until the column's first value. */
  private readonly numbers: (Float64Array | undefined)[];
  private readonly codes: (Int32Array | undefined)[];
  private readonly dictionaries: (TextDictionary | undefined)[];
  private readonly negativeZeroBails: boolean;
  /** Where feed copies bytes for the loop, and its size. */
  private input = 0;
  private inputSize = 0;

  constructor(private readonly width: number, private readonly delimiter: number, expectedRows = 1024, options: PlainCsvOptions = {}) {
    this.capacity = Math.max(16, Math.ceil(expectedRows));
    this.arena = threadArena();
    this.block = this.arena.alloc(Math.max(1, width) * COLUMN_INTS * 4);
    this.columns = this.arena.i32(this.block, Math.max(1, width) * COLUMN_INTS);
    this.event = this.arena.alloc(8 * 4);
    this.events = this.arena.i32(this.event, 8);
    this.numbers = Array.from({ length: width }, () => undefined);
    this.codes = Array.from({ length: width }, () => undefined);
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
    if (end - start > this.inputSize) {
      this.input = this.arena.alloc(end - start + 1);
      this.inputSize = end - start;
    }
    this.arena.bytes.set(bytes.subarray(start, end), this.input);
    return this.feedArena(this.input, this.input + end - start, last);
  }

  /**
   * feed of the arena's bytes [start, end) (plain-csv-range.ts reads the file there: no copy),
   * with a byte after them that may be overwritten.
   */
  feedArena(start: number, end: number, last = false): boolean {
    if (this.bail !== undefined) return false;
    if (end <= start) return true;
    const bytes = this.arena.bytes;
    if (bytes[end - 1] === LF) return this.lines(start, end);
    if (!last) return this.fail('a part does not end at a line end');
    if (bytes[end - 1] === CR) return this.fail('a lone \\r ends the part');
    // The final line without its '\n': one written after it, so that the loop needs no bounds checks.
    bytes[end] = LF;
    if (!this.lines(start, end + 1)) return false;
    // The line end added above is not the file's.
    this.events[LF_LINES]!--;
    return true;
  }

  finish(): ParsedPart {
    const rows = this.rows;
    // Views: the arena frees nothing (a worker's read ends with it), so a copy would not free the rest of an overestimate.
    const trim = <T extends Float64Array | Int32Array>(a: T): T => a.subarray(0, rows) as T;
    const columns = Array.from({ length: this.width }, (_, c): ParsedColumn => {
      const kind = this.columns[c * COLUMN_INTS + KIND];
      if (kind === NUMBER) return { kind: 'number', values: trim(this.numbers[c]!), fractional: this.columns[c * COLUMN_INTS + FRACTIONAL] === 1, negativeZero: this.columns[c * COLUMN_INTS + NEGATIVE_ZERO] === 1 };
      if (kind === TEXT) return { kind: 'text', codes: trim(this.codes[c]!), dictionary: this.dictionaries[c]!.strings };
      return { kind: 'empty' };
    });
    return { rows, columns, crlfLines: this.events[CRLF_LINES]!, lfLines: this.events[LF_LINES]! };
  }

  private fail(reason: string): false {
    this.bail = reason;
    return false;
  }

  private failAt(row: number, what: string): false {
    return this.fail(`line ${row + 1} of the part: ${what}`);
  }

  /** Runs the loop over the arena's lines [start, end), which end with '\n', and handles what it stops for. */
  private lines(start: number, end: number): boolean {
    const { wasm, pow10 } = this.arena;
    const events = this.events;
    for (let at = start; ; ) {
      const result = wasm.lines(at, end, this.rows, this.capacity, this.width, this.delimiter, this.block, this.event, pow10, this.negativeZeroBails ? 1 : 0);
      at = events[AT]!;
      this.rows = events[ROW]!;
      if (result === EVENT.done) return true;
      const row = this.rows, column = events[COLUMN]!;
      if (result === EVENT.grow) this.grow();
      else if (result === EVENT.startNumber || result === EVENT.startText) this.startColumn(column, result === EVENT.startNumber ? NUMBER : TEXT, row);
      else if (result === EVENT.newWord) {
        const dictionary = this.dictionaries[column]!;
        if (dictionary.add(events[A]!, events[B]!, events[HASH]!) < 0) return this.failAt(row, dictionary.refused!);
      } else return this.failAt(row, notPlain(result, column, events[B]!, this.width));
    }
  }

  /** Gives a column its kind at its first value; the rows before are missing, the ones after written by the loop. */
  private startColumn(column: number, kind: typeof NUMBER | typeof TEXT, row: number): void {
    const entry = column * COLUMN_INTS;
    this.columns[entry + KIND] = kind;
    if (kind === NUMBER) {
      this.columns[entry + DATA] = this.arena.alloc(this.capacity * 8);
      this.numbers[column] = this.arena.f64(this.columns[entry + DATA]!, this.capacity).fill(NaN, 0, row);
    } else {
      this.columns[entry + DATA] = this.arena.alloc(this.capacity * 4);
      this.codes[column] = this.arena.i32(this.columns[entry + DATA]!, this.capacity).fill(-1, 0, row);
      const dictionary = new TextDictionary(this.arena);
      this.dictionaries[column] = dictionary;
      this.columns[entry + TABLE] = dictionary.table;
    }
  }

  /** Doubles every array (the row estimate was short). */
  private grow(): void {
    const capacity = this.capacity * 2;
    for (let c = 0; c < this.width; c++) {
      const entry = c * COLUMN_INTS;
      const numbers = this.numbers[c], codes = this.codes[c];
      if (numbers) {
        this.columns[entry + DATA] = this.arena.alloc(capacity * 8);
        this.numbers[c] = grown(this.arena.f64(this.columns[entry + DATA]!, capacity), numbers);
      } else if (codes) {
        this.columns[entry + DATA] = this.arena.alloc(capacity * 4);
        this.codes[c] = grown(this.arena.i32(this.columns[entry + DATA]!, capacity), codes);
      }
    }
    this.capacity = capacity;
  }
}

/** Why the loop found a field not plain (its result, the field's column and the byte it stopped at). */
function notPlain(result: number, column: number, byte: number, width: number): string {
  const char = JSON.stringify(String.fromCharCode(byte));
  switch (result) {
    case EVENT.emptyLine: return 'an empty line';
    case EVENT.minusAlone: return "a '-' without a digit after it";
    case EVENT.leadingZero: return 'a number with a leading zero';
    case EVENT.dotEnds: return "a number ending with '.'";
    case EVENT.fractionDigits: return 'more than 22 fraction digits';
    case EVENT.tooManyDigits: return 'a number with more digits than a double holds exactly';
    case EVENT.negativeZero: return 'a negative zero';
    case EVENT.afterNumber: return `a number followed by ${char}`;
    case EVENT.afterWord: return `a word followed by ${char}`;
    case EVENT.fieldStart: return `a field starting with ${char}`;
    case EVENT.moreFields: return `more than ${width} fields`;
    case EVENT.loneCr: return 'a lone \\r';
    case EVENT.fewerFields: return `${column + 1} fields, not ${width}`;
    case EVENT.bothKinds: return `column ${column + 1} holds both numbers and words`;
    default: throw new Error(`the parse loop returned ${result}`);
  }
}

function grown<T extends Float64Array | Int32Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
