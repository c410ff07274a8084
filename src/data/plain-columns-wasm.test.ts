import { describe, expect, it } from 'vitest';
import { COUNTED, OUTSIDE, wasmBounds, wasmCounts, wasmCountKeys, wasmScan } from './plain-columns-wasm.js';
import { threadArena } from './plain-wasm.js';

/** `values` copied into this thread's arena, where the loops of wasm/column-*.ts reach them. */
function inArena(values: number[]): Float64Array {
  const arena = threadArena();
  const a = arena.f64(arena.alloc(values.length * 8), values.length);
  a.set(values);
  return a;
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Short decimals with missing values, zeros of both signs, halves (Math.round's ties) and a few that are not decimals. */
function column(seed: number, n: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.05) return NaN;
    if (r < 0.1) return random() < 0.5 ? -0 : 0;
    if (r < 0.12) return Math.round(random() * 200 - 100) + 0.5;
    if (r < 0.13) return random() * 100;
    return Math.round(random() * 20000 - 10000) / 100;
  });
}

describe('the column loops in WebAssembly', () => {
  it("give the JS loops' results for values in the arena, and undefined for others", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const values = column(seed, 1 + seed * 37);
      const js = Float64Array.from(values), wasm = inArena(values);
      expect(wasmScan(js, 0, js.length)).toBeUndefined();
      // encodeNumberChunk's scan, through its JS loop, and bounds as boundsOf's loop gives them.
      for (const [start, end] of [[0, values.length], [1, values.length], [0, values.length - 1]] as const) {
        const scanned = wasmScan(wasm, start, end)!;
        const part = values.slice(start, end);
        const present = part.filter((x) => !Number.isNaN(x));
        const first = (pick: (a: number, b: number) => boolean) => present.reduce((m, x) => (pick(x, m) ? x : m), pick(0, 1) ? Infinity : -Infinity);
        expect(scanned.nulls).toBe(part.length - present.length);
        if (present.length > 0) {
          expect([scanned.min, scanned.max]).toEqual([Math.min(...present), Math.max(...present)]);
          // Object.is: -0 and 0 told apart, as Math.min tells them.
          expect(Object.is(scanned.min, Math.min(...present)) && Object.is(scanned.max, Math.max(...present))).toBe(true);
        }
        const bounds = wasmBounds(wasm.subarray(start, end), { min: Infinity, max: -Infinity })!;
        expect(Object.is(bounds.min, first((a, b) => a < b)) && Object.is(bounds.max, first((a, b) => a > b))).toBe(true);
      }
    }
  });

  it('counts decimal keys as countKeys does, and stops at the first value that is not its key', () => {
    const values = column(7, 5000).map((x) => (Number.isFinite(x) && x !== Math.round(x * 100) / 100 ? NaN : x));
    const wasm = inArena(values);
    const counts = wasmCounts(20001);
    const tally = { n: 0, negativeZeros: 0, outside: 0 };
    expect(wasmCountKeys(wasm, 100, -10000, counts, tally)).toBe(COUNTED);
    const expected = new Uint32Array(20001);
    let negativeZeros = 0;
    for (const x of values) {
      if (Number.isNaN(x)) continue;
      expected[Math.round(x * 100) + 10000]!++;
      if (Object.is(x, -0)) negativeZeros++;
    }
    expect(counts).toEqual(expected);
    expect(tally).toMatchObject({ n: values.filter((x) => !Number.isNaN(x)).length, negativeZeros });
    // 0.125 is not a key over 100; 123.45 is outside 10 keys from 0.
    expect(wasmCountKeys(inArena([1, NaN, 0.125, 2]), 100, 0, wasmCounts(1000), { n: 0, negativeZeros: 0, outside: 0 })).toBe(2);
    const outside = { n: 0, negativeZeros: 0, outside: 0 };
    expect(wasmCountKeys(inArena([0.01, 123.45]), 100, 0, wasmCounts(10), outside)).toBe(OUTSIDE);
    expect(outside.outside).toBe(1);
    // Math.round's halves go up, -0.5 to -0: keys of 1/2 over 1 are not the values, the first such the answer.
    expect(wasmCountKeys(inArena([2, -0.5]), 1, -5, wasmCounts(10), { n: 0, negativeZeros: 0, outside: 0 })).toBe(1);
  });
});
