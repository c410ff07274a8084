/**
 * The WebAssembly loop of the plain CSV parser (wasm/plain-parse.ts, built into plain-parse.wasm
 * beside this file by `npm run build:wasm`) and the memory it works in. About twice as fast as the
 * same loop in JS (0.25 against 0.5 s over the benchmark's 119 MB on one thread): it stores each
 * value without a bounds check, and its code is optimized before it first runs, where a worker's
 * JS loop runs unoptimized until V8 has compiled it, anew in each worker of each add.
 *
 * The memory is one shared WebAssembly memory a thread, so that the columns parsed into it are
 * shared memory too (plain-csv-parse.ts's `shared`): other threads read them without a copy. It is
 * allocated from with a bump pointer and never freed: a worker parses one part of one file, and
 * its memory goes with it (as long as another thread holds a view of its columns).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/** The loop's results (wasm/plain-parse.ts): 0 done, 1-4 events the JS side handles, 10 on a field that is not plain. */
export const EVENT = {
  done: 0, grow: 1, startNumber: 2, startText: 3, newWord: 4,
  emptyLine: 10, minusAlone: 11, leadingZero: 12, dotEnds: 13, fractionDigits: 14, tooManyDigits: 15, negativeZero: 16,
  afterNumber: 17, afterWord: 18, fieldStart: 19, moreFields: 20, loneCr: 21, fewerFields: 22, bothKinds: 23,
} as const;

export interface ParseLoop {
  lines(start: number, end: number, row: number, capacity: number, width: number, delimiter: number, columns: number, event: number, pow10: number, negativeZeroBails: number): number;
}

const PAGE = 1 << 16;
/** wasm32's whole address space: reserved, not used, until the memory grows into it. */
const MAX_PAGES = 1 << 16;
/** Bytes readable past the last allocation. */
const SLACK = 16;

export class Arena {
  readonly memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  readonly loop: ParseLoop;
  /** 10^0 ... 10^22, exact doubles, for the loop. */
  readonly pow10: number;
  /** Offset 0 is left unused: a pointer of 0 is none. */
  private top = 64;
  private views?: { buffer: SharedArrayBuffer; bytes: Buffer };

  constructor() {
    this.loop = new WebAssembly.Instance(parseModule(), { env: { memory: this.memory } }).exports as unknown as ParseLoop;
    this.pow10 = this.alloc(23 * 8);
    this.f64(this.pow10, 23).set(Array.from({ length: 23 }, (_, f) => 10 ** f));
  }

  /**
   * `bytes` bytes of zeroed memory at an offset aligned to 8 (a fresh page is zero: nothing is
   * reused), with at least SLACK more readable after them: the loop reads 8 bytes at a time.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const top = at + Math.ceil(bytes / 8) * 8;
    if (top + SLACK > this.memory.buffer.byteLength) {
      if (top + SLACK > MAX_PAGES * PAGE) throw new RangeError(`the parse needs more than ${MAX_PAGES * PAGE} bytes of memory`);
      this.memory.grow(Math.max(Math.ceil((top + SLACK - this.memory.buffer.byteLength) / PAGE), this.memory.buffer.byteLength / PAGE / 4) | 0);
    }
    this.top = top;
    return at;
  }

  /** The memory's bytes, as a Buffer (for latin1Slice). */
  get bytes(): Buffer {
    const buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    if (this.views?.buffer !== buffer) this.views = { buffer, bytes: Buffer.from(buffer) };
    return this.views.bytes;
  }

  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, n);
  }

  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n);
  }
}

let arena: Arena | undefined;

/** This thread's arena, made on its first use. */
export function threadArena(): Arena {
  return (arena ??= new Arena());
}

let compiled: WebAssembly.Module | undefined;

/**
 * The module, compiled once a thread by V8's optimizing compiler at once (`--no-liftoff` while it
 * compiles): its baseline code is about half as fast, and the one long call of a part would run
 * in it before the optimized code was ready.
 */
function parseModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const bytes = readFileSync(new URL('./plain-parse.wasm', import.meta.url));
  setFlagsFromString('--no-liftoff');
  try {
    compiled = new WebAssembly.Module(bytes);
  } finally {
    setFlagsFromString('--liftoff');
  }
  return compiled;
}
