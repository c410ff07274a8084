// AssemblyScript: loops over a parsed column's values (f64, NaN for a missing one) in the shared
// memory, each the same operations in the same order as the JS loop it stands for, so that its
// results are the same to the bit (src/data/plain-columns-wasm.ts says which).

/**
 * encodeNumberChunk's scan (src/data/parquet-js-numbers.ts) of the n values at p: two values a
 * turn, each its own min and max (NaN never is one), joined as Math.min and Math.max join them.
 * Writes min and max (f64) at out and out + 8, the missing count (i32) at out + 16.
 */
export function scanChunk(p: usize, n: i32, out: usize): void {
  let nulls: i32 = 0, nulls2: i32 = 0;
  let min: f64 = Infinity, max: f64 = -Infinity, min2: f64 = Infinity, max2: f64 = -Infinity;
  let i: i32 = 0;
  for (; i + 1 < n; i += 2) {
    const v = load<f64>(p + (<usize>i << 3));
    const w = load<f64>(p + (<usize>i << 3), 8);
    nulls += i32(v != v);
    nulls2 += i32(w != w);
    if (v < min) min = v;
    if (v > max) max = v;
    if (w < min2) min2 = w;
    if (w > max2) max2 = w;
  }
  if (i < n) {
    const v = load<f64>(p + (<usize>i << 3));
    nulls += i32(v != v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Math.min and Math.max: -0 below 0 (neither is NaN here).
  store<f64>(out, Math.min(min, min2));
  store<f64>(out, Math.max(max, max2), 8);
  store<i32>(out, nulls + nulls2, 16);
}

/** boundsOf's loop (src/data/plain-counted.ts) over the n values at p, from min and max at out (f64), written back there. */
export function bounds(p: usize, n: i32, out: usize): void {
  let min = load<f64>(out), max = load<f64>(out, 8);
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x < min) min = x;
    if (x > max) max = x;
  }
  store<f64>(out, min);
  store<f64>(out, max, 8);
}

/** JS's Math.round, as V8 computes it: the nearest integer, a half up. */
// @ts-ignore: decorator
@inline function jsRound(y: f64): f64 {
  const r = Math.ceil(y);
  return r - 0.5 > y ? r - 1 : r;
}

export const COUNTED: i32 = -1;
export const OUTSIDE: i32 = -2;

/**
 * countKeys' loop (src/data/plain-counted.ts) over the n values at p: each present value's key
 * round(x·scale) - base counted in the u32 counts, while it is the value's (key + base) / scale.
 * Adds the values counted and the -0 among them to the i32s at out and out + 4. Returns COUNTED,
 * the index of the first value that is not its key over scale, or OUTSIDE (the index at out + 8)
 * for a key outside [0, range).
 */
export function countKeys(p: usize, n: i32, scale: f64, base: f64, range: i32, counts: usize, out: usize): i32 {
  let counted = load<i32>(out), negativeZeros = load<i32>(out, 4);
  for (let i: i32 = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (x != x) continue;
    const k = jsRound(x * scale);
    if (k / scale != x) {
      store<i32>(out, counted);
      store<i32>(out, negativeZeros, 4);
      return i;
    }
    if (x == 0 && reinterpret<u64>(x) >> 63) negativeZeros++;
    const key = k - base;
    if (!(key >= 0 && key < <f64>range)) {
      store<i32>(out, i, 8);
      return OUTSIDE;
    }
    const at = counts + (<usize><i32>key << 2);
    store<u32>(at, load<u32>(at) + 1);
    counted++;
  }
  store<i32>(out, counted);
  store<i32>(out, negativeZeros, 4);
  return COUNTED;
}
