/**
 * The plain CSV read path's WebAssembly (wasm/plain.ts, AssemblyScript, built into plain.wasm
 * beside this file by `npm run build:wasm`) and the memory it works in: the parse loop
 * (plain-csv-parse.ts) and the column loops that ran slowest in JS (plain-columns-wasm.ts). Each
 * is about twice as fast as its JS: it stores and loads without bounds checks, and its code is
 * optimized before it first runs, where each worker of each add ran its JS unoptimized until V8
 * had compiled it, and compiled it again wherever a loop met a type it had not seen
 * (docs/datasets.md, "Plain CSV files").
 *
 * The memory is one shared WebAssembly memory for all the threads of a read (plainArenaMemory):
 * the columns parsed into it are shared memory, which the other threads read without a copy, and
 * which their column loops reach. It is allocated from with a bump pointer, shared by the threads,
 * and never freed: the read's threads end with the read, and the memory goes with them.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/** The parse loop's results (wasm/plain-parse-loop.ts exports the same, in capitals; plain-wasm.test.ts compares them): 0 done, 1-4 events the JS side handles, 10 on a field that is not plain. */
export const EVENT = {
  done: 0, grow: 1, startNumber: 2, startText: 3, newWord: 4,
  emptyLine: 10, minusAlone: 11, leadingZero: 12, dotEnds: 13, fractionDigits: 14, tooManyDigits: 15, negativeZero: 16,
  afterNumber: 17, afterWord: 18, fieldStart: 19, moreFields: 20, loneCr: 21, fewerFields: 22, bothKinds: 23,
} as const;

/** The module's functions (wasm/plain.ts); offsets are into the memory. */
export interface PlainWasm {
  lines(start: number, end: number, row: number, capacity: number, width: number, delimiter: number, columns: number, event: number, pow10: number, negativeZeroBails: number): number;
  scanChunk(p: number, n: number, out: number): void;
  bounds(p: number, n: number, out: number): void;
  countKeys(p: number, n: number, scale: number, base: number, range: number, counts: number, out: number): number;
  presentScan(p: number, n: number, out: number): void;
  compact(p: number, n: number, dst: number): number;
  decimalKeys(v: number, n: number, scale: number, base: number, keys: number, out: number): number;
  decimalCells(p: number, n: number, start: number, scale: number, base: number, limit: number, cells: number, entryCell: number, first: number, indices: number): number;
  compensatedSum(p: number, n: number, scale: number): number;
  compensatedSquares(p: number, n: number, mean: number, scale: number): number;
  runLengths(p: number, n: number, lengths: number, out: number): number;
  longRuns(p: number, n: number, cut: number, ties: number, picks: number): number;
  numberLevels(p: number, n: number, out: number): number;
  bitPack(p: number, n: number, width: number, out: number): number;
  presentInt64s(p: number, n: number, out: number): number;
  countedSum(counts: number, range: number, base: number, decimals: number, scale: number, negativeZeros: number): number;
  countedSquares(counts: number, range: number, base: number, decimals: number, scale: number, mean: number): number;
  countByte(p: number, n: number, byte: number): number;
  countNonZero(p: number, n: number): number;
  largestCounts(p: number, n: number, most: number, out: number): number;
  countedTop(p: number, n: number, cut: number, ties: number, picks: number): number;
  rankKeys(p: number, n: number, ranks: number, m: number, out: number): void;
  countedBins(p: number, n: number, base: number, decimals: number, lo: number, step: number, bins: number, out: number): void;
  codeLevels(p: number, n: number, out: number): number;
  renumberCodes(p: number, n: number, entries: number, remap: number, used: number, indices: number, out: number): number;
  countCodes(p: number, n: number, entries: number, perCode: number): void;
  distinctBits(p: number, n: number, start: number, limit: number, table: number, mask: number, shift: number, entrySlot: number, first: number, indices: number): number;
  keySort(keys: number, n: number, base: number, scale: number, range: number, negativeZeros: number, byLow: number, sorted: number, lowCounts: number, highCounts: number): number;
}

const PAGE = 1 << 16;
/** wasm32's whole address space: reserved, not used, until the memory grows into it. */
const MAX_PAGES = 1 << 16;
/** Bytes readable past the last allocation: the loops read 8 at a time. */
const SLACK = 16;
/** The first bytes hold the bump pointer (a u32, at 0); allocations start after them. */
const HEADER = 64;

/** A memory for a read's threads to share (Arena): made by the thread that starts them, given to each. */
export function plainArenaMemory(): WebAssembly.Memory {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  new Uint32Array(memory.buffer, 0, 1)[0] = HEADER;
  return memory;
}

export class Arena {
  readonly wasm: PlainWasm;
  /** 10^0 ... 10^22, exact doubles, for the parse loop. */
  readonly pow10: number;
  /** 32 bytes for the column loops' results. */
  readonly out: number;
  private readonly top: Uint32Array;
  private views?: { buffer: SharedArrayBuffer; bytes: Buffer };
  /** Reusable areas by name (scratch). */
  private readonly areas = new Map<string, { at: number; bytes: number }>();

  constructor(readonly memory: WebAssembly.Memory = plainArenaMemory()) {
    this.top = new Uint32Array(memory.buffer, 0, 1);
    this.wasm = new WebAssembly.Instance(plainModule(), { env: { memory } }).exports as unknown as PlainWasm;
    this.pow10 = this.alloc(23 * 8);
    this.f64(this.pow10, 23).set(Array.from({ length: 23 }, (_, f) => 10 ** f));
    this.out = this.alloc(32);
  }

  /**
   * `bytes` bytes of zeroed memory at an offset aligned to 8 (a fresh page is zero: nothing is
   * reused), with at least SLACK more readable after them. Any thread of the memory may allocate.
   */
  alloc(bytes: number): number {
    const size = Math.ceil(bytes / 8) * 8;
    const at = Atomics.add(this.top, 0, size);
    const top = at + size;
    if (top + SLACK > MAX_PAGES * PAGE || top < at) throw new RangeError(`the read needs more than ${MAX_PAGES * PAGE} bytes of memory`);
    // Another thread may grow it at once: more than needed, never less.
    for (let length = this.memory.buffer.byteLength; top + SLACK > length; length = this.memory.buffer.byteLength) {
      try {
        this.memory.grow(Math.max(Math.ceil((top + SLACK - length) / PAGE), Math.min(MAX_PAGES - length / PAGE, length / PAGE / 4)) | 0);
      } catch (e) {
        if (this.memory.buffer.byteLength < top + SLACK) throw e;
      }
    }
    return at;
  }

  /** A reusable area of at least `bytes` bytes named `name` (its contents are the last user's). */
  scratch(name: string, bytes: number): number {
    const area = this.areas.get(name);
    if (area && area.bytes >= bytes) return area.at;
    const at = this.alloc(bytes);
    this.areas.set(name, { at, bytes });
    return at;
  }

  /** The memory's bytes, as a Buffer. */
  get bytes(): Buffer {
    const buffer = this.buffer;
    if (this.views?.buffer !== buffer) this.views = { buffer, bytes: Buffer.from(buffer) };
    return this.views.bytes;
  }

  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.buffer, at, n);
  }

  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.buffer, at, n);
  }

  u32(at: number, n: number): Uint32Array {
    return new Uint32Array(this.buffer, at, n);
  }

  /** Where `a` lies in this memory: its own place, or a copy's in the scratch area `name`. */
  place(a: Float64Array, name: string): number {
    if (arenaOf(a) === this) return a.byteOffset;
    const copy = this.scratch(name, a.byteLength);
    this.f64(copy, a.length).set(a);
    return copy;
  }

  /** Says that `a` (an array from another thread of this memory) lies in it. */
  adopt(a: Float64Array | Int32Array): void {
    inMemory.add(a.buffer);
  }

  private get buffer(): SharedArrayBuffer {
    const buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    inMemory.add(buffer);
    return buffer;
  }
}

/** This thread's buffers of its arena's memory (a new set with each arena: an older one's arrays are not in this one). */
let inMemory = new WeakSet<ArrayBufferLike>();

let arena: Arena | undefined;

/**
 * This thread's arena: the one of `memory` when given (a read's worker), else the last one, else
 * one of its own. Scratch kept across calls must be the arena's (Arena.scratch), or be checked
 * against it: a new arena's loops would take an older one's offsets for theirs.
 */
export function threadArena(memory?: WebAssembly.Memory): Arena {
  if (memory && arena?.memory !== memory) {
    inMemory = new WeakSet();
    arena = new Arena(memory);
  }
  return (arena ??= new Arena());
}

/** This thread's arena when `a` lies in its memory (made by it, or adopted), else undefined: none is made for the asking. */
export function arenaOf(a: Float64Array | Int32Array | Uint32Array): Arena | undefined {
  return arena && inMemory.has(a.buffer) ? arena : undefined;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The module, compiled once a thread by V8's optimizing compiler at once (`--no-liftoff` while it
 * compiles): its baseline code is about half as fast, and the one long call of a part would run
 * in it before the optimized code was ready.
 */
function plainModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const bytes = readFileSync(new URL('./plain.wasm', import.meta.url));
  setFlagsFromString('--no-liftoff');
  try {
    compiled = new WebAssembly.Module(bytes);
  } finally {
    setFlagsFromString('--liftoff');
  }
  return compiled;
}
