/**
 * One text column's dictionary for the plain CSV parser (plain-csv-parse.ts): each distinct value
 * gets a code in order of first sight. The parser hashes a field's bytes as it scans them (FNV-1a,
 * `fnvStep`); the table is probed by that hash and a hit is confirmed against the stored string's
 * char codes, so a value is decoded to a string only the first time it is seen.
 */

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * Words some reader takes for something other than text, lowercased: pandas' missing-value and
 * bool spellings, DuckDB's bool and special float spellings, and `epoch`, which DuckDB's sniffer
 * reads as the date 1970-01-01 (pandas keeps it as text). Lowercase `true` and `false` are let
 * through (`allowedExactly`): a column of only those is a bool in both.
 */
const NOT_TEXT = new Set(['nan', 'na', 'null', 'none', 'nat', 'inf', 'infinity', 't', 'f', 'y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'epoch']);
const allowedExactly = (s: string): boolean => s === 'true' || s === 'false';

/** Why a value cannot be plain text, or undefined when it can. */
export function notPlainText(s: string): string | undefined {
  return NOT_TEXT.has(s.toLowerCase()) && !allowedExactly(s) ? `'${s}' reads as a missing value, a bool or a date in pandas or DuckDB` : undefined;
}

/** bytes[start, end) as a string, one char per byte (the parser lets only ASCII through). */
const latin1 = (bytes: Uint8Array, start: number, end: number): string =>
  (Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string).call(bytes, start, end);

export class TextDictionary {
  /** The values, by code. */
  readonly strings: string[] = [];
  /** The FNV-1a hash of each value, by code (to rehash on growth and to skip most comparisons). */
  private hashes = new Int32Array(64);
  /** Each value's bytes, one after another: code k's are keys[offsets[k], offsets[k + 1]). */
  private keys = new Uint8Array(1024);
  private offsets = new Int32Array(65);
  /** Open addressing, linear probing: code + 1 per slot, 0 for an empty slot. */
  private slots = new Int32Array(256);
  private mask = 255;
  /** The value that could not be text, once `code` has refused one. */
  refused?: string;

  /**
   * The code of the value in bytes[start, end) (letters, digits and `_`, whose FNV-1a hash is
   * `hash`), added on first sight; -1 when it is a word that is not plain text (see `refused`).
   */
  code(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const slots = this.slots, mask = this.mask, hashes = this.hashes, keys = this.keys, offsets = this.offsets;
    const length = end - start;
    let slot = hash & mask;
    for (let id1 = slots[slot]!; id1 !== 0; id1 = slots[slot]!) {
      const id = id1 - 1;
      if (hashes[id] === hash) {
        const from = offsets[id]!;
        if (offsets[id1]! - from === length) {
          let k = 0;
          while (k < length && keys[from + k] === bytes[start + k]) k++;
          if (k === length) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.add(bytes, start, end, hash, slot);
  }

  private add(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const s = latin1(bytes, start, end);
    const why = notPlainText(s);
    if (why !== undefined) {
      this.refused = why;
      return -1;
    }
    const id = this.strings.length;
    this.strings.push(s);
    if (id === this.hashes.length) {
      this.hashes = grown(new Int32Array(id * 2), this.hashes);
      this.offsets = grown(new Int32Array(id * 2 + 1), this.offsets);
    }
    const from = this.offsets[id]!;
    if (from + s.length > this.keys.length) this.keys = grown(new Uint8Array((from + s.length) * 2), this.keys);
    this.keys.set(bytes.subarray(start, end), from);
    this.offsets[id + 1] = from + s.length;
    this.hashes[id] = hash;
    this.slots[slot] = id + 1;
    // At most half full, so that probes stay short.
    if ((id + 1) * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2, mask = size - 1, slots = new Int32Array(size);
    for (let id = 0; id < this.strings.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grown<T extends Uint8Array | Int32Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
