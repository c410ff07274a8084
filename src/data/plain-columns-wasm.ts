/**
 * The column loops of wasm/column-*.ts for arrays in this thread's arena (plain-wasm.ts):
 * the parsed columns of the plain CSV read, and views of them. Each returns undefined for an array
 * elsewhere, which its caller then reads with its own JS loop: the results are the same to the
 * bit (the loops do the same operations in the same order; plain-columns-wasm.test.ts).
 */
import { arenaOf, threadArena } from './plain-wasm.js';

/** encodeNumberChunk's min, max (NaN never one) and missing count of values[start, end). */
export function wasmScan(values: Float64Array, start: number, end: number): { min: number; max: number; nulls: number } | undefined {
  const arena = arenaOf(values);
  if (!arena) return undefined;
  arena.wasm.scanChunk(values.byteOffset + start * 8, end - start, arena.out);
  const out = arena.f64(arena.out, 2);
  return { min: out[0]!, max: out[1]!, nulls: arena.i32(arena.out + 16, 1)[0]! };
}

/** boundsOf's min and max of `part`, from `from` on, or undefined. */
export function wasmBounds(part: Float64Array, from: { min: number; max: number }): { min: number; max: number } | undefined {
  const arena = arenaOf(part);
  if (!arena) return undefined;
  const out = arena.f64(arena.out, 2);
  out[0] = from.min;
  out[1] = from.max;
  arena.wasm.bounds(part.byteOffset, part.length, arena.out);
  return { min: out[0]!, max: out[1]! };
}

/** countKeys' count buffer: `range` u32s in the arena, zeroed (the loop needs them there). */
export function wasmCounts(range: number): Uint32Array {
  const arena = threadArena();
  return arena.u32(arena.scratch('counts', range * 4), range).fill(0);
}

/** The column loops' result codes (wasm/column-*.ts exports the same; plain-wasm.test.ts compares them). */
export const COUNTED = -1, OUTSIDE = -2, NOT_DECIMAL = -1, TOO_MANY = -2;

/**
 * countKeys' loop over `part` into `counts` (from wasmCounts), adding to `tally`: COUNTED, the
 * index of a value that is not its key over `scale`, OUTSIDE (the value's index in tally.outside)
 * for a key outside the counts, or undefined for arrays not in the arena.
 */
export function wasmCountKeys(part: Float64Array, scale: number, base: number, counts: Uint32Array, tally: { n: number; negativeZeros: number; outside: number }): number | undefined {
  const arena = arenaOf(part);
  if (!arena || arenaOf(counts) !== arena) return undefined;
  const out = arena.i32(arena.out, 3);
  out[0] = tally.n;
  out[1] = tally.negativeZeros;
  const result = arena.wasm.countKeys(part.byteOffset, part.length, scale, base, counts.length, counts.byteOffset, arena.out);
  tally.n = out[0]!;
  tally.negativeZeros = out[1]!;
  tally.outside = out[2]!;
  return result;
}
