// AssemblyScript: helpers of the plain CSV read's column loops (wasm/column-*.ts).

/** JS's Math.round, as V8 computes it: the nearest integer, a half up. */
// @ts-ignore: decorator
@inline export function jsRound(y: f64): f64 {
  const r = Math.ceil(y);
  return r - 0.5 > y ? r - 1 : r;
}

// @ts-ignore: decorator
@inline export function negative(x: f64): bool {
  return <bool>(reinterpret<u64>(x) >> 63);
}
