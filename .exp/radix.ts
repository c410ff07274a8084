// LSD radix sort of doubles via their order-preserving uint64 keys, 11-bit digits (6 passes; hi/lo words).
function radixSort(x: Float64Array): Float64Array {
  const n = x.length;
  const u = new Uint32Array(x.buffer, x.byteOffset, n * 2);
  let lo = new Uint32Array(n), hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = u[2 * i + 1]!, l = u[2 * i]!;
    if (h & 0x80000000) { hi[i] = ~h >>> 0; lo[i] = ~l >>> 0; } else { hi[i] = (h | 0x80000000) >>> 0; lo[i] = l; }
  }
  let lo2 = new Uint32Array(n), hi2 = new Uint32Array(n);
  const cnt = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi; const shift = (pass & 1) * 16;
    cnt.fill(0);
    for (let i = 0; i < n; i++) cnt[(word[i]! >>> shift) & 0xffff]++;
    let s = 0; for (let d = 0; d < 65536; d++) { const c = cnt[d]!; cnt[d] = s; s += c; }
    for (let i = 0; i < n; i++) { const d = (word[i]! >>> shift) & 0xffff; const p = cnt[d]++; lo2[p] = lo[i]!; hi2[p] = hi[i]!; }
    [lo, lo2] = [lo2, lo]; [hi, hi2] = [hi2, hi];
  }
  const out = new Float64Array(n); const o = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) { const h = hi[i]!; if (h & 0x80000000) { o[2 * i + 1] = h & 0x7fffffff; o[2 * i] = lo[i]!; } else { o[2 * i + 1] = ~h >>> 0; o[2 * i] = ~lo[i]! >>> 0; } }
  return out;
}
const n = 30000;
const cols = Array.from({ length: 240 }, () => Float64Array.from({ length: n }, () => Math.round((Math.random() * 2 - 1) * 4e4) / 1e4));
let t0 = performance.now();
let chk = 0;
for (const c of cols) { const s = radixSort(c); chk += s[0]!; }
console.log('radix 240', (performance.now() - t0).toFixed(0), 'ms');
t0 = performance.now();
for (const c of cols) { const s = c.slice().sort(); chk -= s[0]!; }
console.log('native 240', (performance.now() - t0).toFixed(0), 'ms', chk);
const a = radixSort(cols[0]!), b = cols[0]!.slice().sort(); console.log('equal', a.every((v, i) => v === b[i]));
