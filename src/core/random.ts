/**
 * Mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). Everything that must
 * not depend on Math.random (splits, shuffles, generated data) draws from it, so the same seed
 * gives the same numbers on every machine.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
