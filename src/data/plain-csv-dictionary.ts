/**
 * One text column's dictionary for the plain CSV parser (plain-csv-parse.ts): each distinct value
 * gets a code in order of first sight. The parse loop (wasm/plain-parse-loop.ts) hashes a field's bytes
 * as it scans them (FNV-1a) and looks them up in this table, which lives in its memory (the
 * Arena); a value it does not find comes here, is checked, decoded to a string once and added.
 */
import type { Arena } from './plain-wasm.js';

/** FNV-1a's constants, as wasm/plain-parse-loop.ts hashes a word (the tests make words of one hash with them). */
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
const latin1 = (bytes: Buffer, start: number, end: number): string => bytes.toString('latin1', start, end);

/** The table's header in the arena, as the loop reads it: slots, mask, hashes, offsets, keys (each an offset but mask). */
const SLOTS = 0, MASK = 1, HASHES = 2, OFFSETS = 3, KEYS = 4;

export class TextDictionary {
  /** The values, by code. */
  readonly strings: string[] = [];
  /** Where the loop finds the table (a 5-int header). */
  readonly table: number;
  /** The value that could not be text, once `add` has refused one. */
  refused?: string;
  /** Capacities: codes (hashes and offsets), key bytes, and slots (mask + 1, a power of 2, at least twice the codes). */
  private codes = 64;
  private keyBytes = 1024;
  private keysUsed = 0;

  constructor(private readonly arena: Arena) {
    this.table = arena.alloc(5 * 4);
    const header = arena.i32(this.table, 5);
    header[SLOTS] = arena.alloc(256 * 4);
    header[MASK] = 255;
    header[HASHES] = arena.alloc(this.codes * 4);
    header[OFFSETS] = arena.alloc((this.codes + 1) * 4);
    header[KEYS] = arena.alloc(this.keyBytes);
  }

  /**
   * Adds the value in the arena's bytes [start, end) (letters, digits and `_`, whose FNV-1a hash
   * is `hash`), which the table does not hold: its code, or -1 when it is a word that is not plain
   * text (see `refused`).
   */
  add(start: number, end: number, hash: number): number {
    const s = latin1(this.arena.bytes, start, end);
    const why = notPlainText(s);
    if (why !== undefined) {
      this.refused = why;
      return -1;
    }
    const arena = this.arena;
    const id = this.strings.length;
    this.strings.push(s);
    const header = arena.i32(this.table, 5);
    if (id === this.codes) {
      header[HASHES] = moved(arena, header[HASHES]!, this.codes * 4, this.codes * 8);
      header[OFFSETS] = moved(arena, header[OFFSETS]!, (this.codes + 1) * 4, (this.codes * 2 + 1) * 4);
      this.codes *= 2;
    }
    if (this.keysUsed + s.length > this.keyBytes) {
      const size = (this.keysUsed + s.length) * 2;
      header[KEYS] = moved(arena, header[KEYS]!, this.keysUsed, size);
      this.keyBytes = size;
    }
    arena.bytes.copy(arena.bytes, header[KEYS]! + this.keysUsed, start, end);
    this.keysUsed += s.length;
    arena.i32(header[OFFSETS]!, this.codes + 1)[id + 1] = this.keysUsed;
    arena.i32(header[HASHES]!, this.codes)[id] = hash;
    // At most half full, so that probes stay short.
    if ((id + 1) * 2 > header[MASK]!) this.rehash(header);
    else place(arena.i32(header[SLOTS]!, header[MASK]! + 1), header[MASK]!, hash, id);
    return id;
  }

  private rehash(header: Int32Array): void {
    const size = (header[MASK]! + 1) * 2, mask = size - 1;
    header[SLOTS] = this.arena.alloc(size * 4);
    header[MASK] = mask;
    const slots = this.arena.i32(header[SLOTS]!, size), hashes = this.arena.i32(header[HASHES]!, this.strings.length);
    for (let id = 0; id < this.strings.length; id++) place(slots, mask, hashes[id]!, id);
  }
}

/** Code `id` put in its slot: the first empty one from its hash's, on (linear probing; code + 1 a slot, 0 empty). */
function place(slots: Int32Array, mask: number, hash: number, id: number): void {
  let slot = hash & mask;
  while (slots[slot] !== 0) slot = (slot + 1) & mask;
  slots[slot] = id + 1;
}

/** `used` bytes at `from` copied to a fresh allocation of `size` bytes; its offset. */
function moved(arena: Arena, from: number, used: number, size: number): number {
  const to = arena.alloc(size);
  arena.bytes.copy(arena.bytes, to, from, from + used);
  return to;
}
