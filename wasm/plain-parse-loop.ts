// AssemblyScript: the loop of the plain CSV parser (src/data/plain-csv-parse.ts), compiled to
// src/data/plain.wasm by `npm run build:wasm`. It parses lines into columns that the JS side
// allocates in the shared memory it imports, and returns to it at each event it cannot handle
// alone: a column's first value, a word not in its column's dictionary yet, the columns full, a
// field that is not plain. The JS side then acts and calls again from the line's start.
//
// Memory the JS side lays out (all offsets in bytes, every number an i32 unless said):
//   columns block, 32 bytes a column: kind (0 none, 1 number, 2 text), data (f64 or i32 a row),
//     table (a text column's dictionary), fractional (set here), negative zero (set here)
//   a dictionary table: slots (i32: code + 1, 0 empty), mask, hashes (i32 a code), offsets (i32,
//     code k's bytes are keys[offsets[k], offsets[k + 1])), keys (bytes)
//   the event block: stop position, row, column, a, b, hash, crlf lines, lf lines
//   pow10: 10^0 ... 10^22 as f64

const LF: u32 = 10, CR: u32 = 13, MINUS: u32 = 45, DOT: u32 = 46, ZERO: u32 = 48, NINE: u32 = 57;
const NUMBER: i32 = 1, TEXT: i32 = 2;
const MAX_MANTISSA: f64 = 9007199254740991;
const FNV_OFFSET: u32 = 0x811c9dc5, FNV_PRIME: u32 = 0x01000193;

export const DONE: i32 = 0;
export const GROW: i32 = 1;
export const START_NUMBER: i32 = 2;
export const START_TEXT: i32 = 3;
export const NEW_WORD: i32 = 4;
export const EMPTY_LINE: i32 = 10;
export const MINUS_ALONE: i32 = 11;
export const LEADING_ZERO: i32 = 12;
export const DOT_ENDS: i32 = 13;
export const FRACTION_DIGITS: i32 = 14;
export const TOO_MANY_DIGITS: i32 = 15;
export const NEGATIVE_ZERO: i32 = 16;
export const AFTER_NUMBER: i32 = 17;
export const AFTER_WORD: i32 = 18;
export const FIELD_START: i32 = 19;
export const MORE_FIELDS: i32 = 20;
export const LONE_CR: i32 = 21;
export const FEWER_FIELDS: i32 = 22;
export const BOTH_KINDS: i32 = 23;

// @ts-ignore: decorator
@inline function isWordByte(b: u32): bool {
  return b - ZERO <= 9 || (b | 0x20) - 0x61 < 26 || b == 95;
}

// @ts-ignore: decorator
@inline function stop(event: usize, code: i32, at: usize, row: i32, column: i32, a: usize, b: u32, crlf: i32, lf: i32): i32 {
  store<i32>(event, <i32>at);
  store<i32>(event, row, 4);
  store<i32>(event, column, 8);
  store<i32>(event, <i32>a, 12);
  store<i32>(event, <i32>b, 16);
  store<i32>(event, crlf, 24);
  store<i32>(event, lf, 28);
  return code;
}

/**
 * The digits of [from, to) (a number's, a '.' among them skipped) accumulated as doubles, as the
 * JS parser did: exact below 2^53, and at or above it past it (rounding is monotonic).
 */
function doubleMantissa(from: usize, to: usize): f64 {
  let m: f64 = 0;
  for (let i = from; i < to; i++) {
    const b = <u32>load<u8>(i);
    if (b != DOT) m = m * 10 + <f64>(b - ZERO);
  }
  return m;
}

/** Whether the n bytes at a and b are the same, 8 at a time (the JS side leaves 8 bytes readable past any field and key). */
// @ts-ignore: decorator
@inline function sameBytes(a: usize, b: usize, n: i32): bool {
  let k: i32 = 0;
  for (; k + 8 <= n; k += 8) if (load<u64>(a + <usize>k) != load<u64>(b + <usize>k)) return false;
  if (k == n) return true;
  const mask: u64 = (<u64>1 << (<u64>(n - k) << 3)) - 1;
  return ((load<u64>(a + <usize>k) ^ load<u64>(b + <usize>k)) & mask) == 0;
}

/**
 * Parses the lines of [start, end), which ends with '\n', from row `row` on. Returns DONE with
 * the event block's row the rows parsed; any other code stops at the start of the line it is
 * about (the event block's stop position and row), with its column, a and b (the field's start
 * and end for a new word, a byte for a field that is not plain, whose error is the code).
 */
export function lines(start: usize, end: usize, row: i32, capacity: i32, width: i32, delimiter: u32, columns: usize, event: usize, pow10: usize, negativeZeroBails: bool): i32 {
  let crlf = load<i32>(event, 24), lf = load<i32>(event, 28);
  let i = start;
  while (i < end) {
    const lineStart = i;
    if (row == capacity) return stop(event, GROW, lineStart, row, 0, 0, 0, crlf, lf);
    let b = <u32>load<u8>(i);
    if (b == LF || b == CR) return stop(event, EMPTY_LINE, lineStart, row, 0, 0, 0, crlf, lf);
    let column: i32 = 0;
    while (true) {
      const col = columns + (<usize>column << 5);
      const kind = load<i32>(col);
      if (b == delimiter || b == LF || b == CR) {
        if (kind == NUMBER) store<f64>(<usize>load<i32>(col, 4) + (<usize>row << 3), NaN);
        else if (kind == TEXT) store<i32>(<usize>load<i32>(col, 4) + (<usize>row << 2), -1);
      } else if (b <= NINE && (b >= ZERO || b == MINUS)) {
        const field = i;
        const negative = b == MINUS;
        if (negative) {
          b = <u32>load<u8>(++i);
          if (b < ZERO || b > NINE) return stop(event, MINUS_ALONE, lineStart, row, column, field, 0, crlf, lf);
        }
        // The digits accumulate as an integer (exact up to 18 of them; more are added again as
        // doubles, as the JS parser did, below), the fraction's after the integer part's.
        const digits = i;
        let m: u64 = <u64>(b - ZERO);
        b = <u32>load<u8>(++i);
        if (m == 0) {
          if (b >= ZERO && b <= NINE) return stop(event, LEADING_ZERO, lineStart, row, column, field, 0, crlf, lf);
        } else {
          while (b >= ZERO && b <= NINE) {
            m = m * 10 + <u64>(b - ZERO);
            b = <u32>load<u8>(++i);
          }
        }
        let count = <i32>(i - digits);
        let fraction: i32 = 0;
        if (b == DOT) {
          const first = i + 1;
          b = <u32>load<u8>(++i);
          while (b >= ZERO && b <= NINE) {
            m = m * 10 + <u64>(b - ZERO);
            b = <u32>load<u8>(++i);
          }
          fraction = <i32>(i - first);
          if (fraction == 0) return stop(event, DOT_ENDS, lineStart, row, column, field, 0, crlf, lf);
          if (fraction > 22) return stop(event, FRACTION_DIGITS, lineStart, row, column, field, 0, crlf, lf);
          count += fraction;
        }
        const mantissa = count > 18 ? doubleMantissa(digits, i) : <f64>m;
        if (mantissa > MAX_MANTISSA) return stop(event, TOO_MANY_DIGITS, lineStart, row, column, field, 0, crlf, lf);
        let value = fraction > 0 ? mantissa / load<f64>(pow10 + (<usize>fraction << 3)) : mantissa;
        const fractional = fraction > 0;
        if (negative) {
          if (mantissa == 0) {
            if (negativeZeroBails) return stop(event, NEGATIVE_ZERO, lineStart, row, column, field, 0, crlf, lf);
            store<i32>(col, 1, 16);
          }
          value = -value;
        }
        if (b != delimiter && b != LF && b != CR) return stop(event, AFTER_NUMBER, lineStart, row, column, field, b, crlf, lf);
        if (kind != NUMBER) return stop(event, kind == TEXT ? BOTH_KINDS : START_NUMBER, lineStart, row, column, field, 0, crlf, lf);
        if (fractional) store<i32>(col, 1, 12);
        store<f64>(<usize>load<i32>(col, 4) + (<usize>row << 3), value);
      } else if ((b | 0x20) - 0x61 < 26) {
        const first = i;
        let hash: u32 = (FNV_OFFSET ^ b) * FNV_PRIME;
        b = <u32>load<u8>(++i);
        while (isWordByte(b)) {
          hash = (hash ^ b) * FNV_PRIME;
          b = <u32>load<u8>(++i);
        }
        if (b != delimiter && b != LF && b != CR) return stop(event, AFTER_WORD, lineStart, row, column, first, b, crlf, lf);
        if (kind != TEXT) return stop(event, kind == NUMBER ? BOTH_KINDS : START_TEXT, lineStart, row, column, first, 0, crlf, lf);
        const table = <usize>load<i32>(col, 8);
        const slots = <usize>load<i32>(table), mask = <u32>load<i32>(table, 4), hashes = <usize>load<i32>(table, 8);
        const offsets = <usize>load<i32>(table, 12), keys = <usize>load<i32>(table, 16);
        const length = <i32>(i - first);
        let slot = hash & mask;
        let code: i32 = -1;
        for (let id1 = load<i32>(slots + (<usize>slot << 2)); id1 != 0; id1 = load<i32>(slots + (<usize>slot << 2))) {
          const id = id1 - 1;
          if (<u32>load<i32>(hashes + (<usize>id << 2)) == hash) {
            const from = load<i32>(offsets + (<usize>id << 2));
            if (load<i32>(offsets + (<usize>id1 << 2)) - from == length && sameBytes(keys + <usize>from, first, length)) {
              code = id;
              break;
            }
          }
          slot = (slot + 1) & mask;
        }
        if (code < 0) {
          store<i32>(event, <i32>hash, 20);
          return stop(event, NEW_WORD, lineStart, row, column, first, <u32>i, crlf, lf);
        }
        store<i32>(<usize>load<i32>(col, 4) + (<usize>row << 2), code);
      } else {
        return stop(event, FIELD_START, lineStart, row, column, i, b, crlf, lf);
      }
      // b (at i) ends the field.
      if (b == delimiter) {
        if (++column == width) return stop(event, MORE_FIELDS, lineStart, row, column, 0, 0, crlf, lf);
        b = <u32>load<u8>(++i);
        continue;
      }
      if (b == CR) {
        if (<u32>load<u8>(++i) != LF) return stop(event, LONE_CR, lineStart, row, column, 0, 0, crlf, lf);
        if (column != width - 1) return stop(event, FEWER_FIELDS, lineStart, row, column, 0, 0, crlf, lf);
        crlf++;
      } else {
        if (column != width - 1) return stop(event, FEWER_FIELDS, lineStart, row, column, 0, 0, crlf, lf);
        lf++;
      }
      i++;
      break;
    }
    row++;
  }
  return stop(event, DONE, i, row, 0, 0, 0, crlf, lf);
}
