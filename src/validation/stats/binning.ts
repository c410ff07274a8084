/**
 * Evidently's binning for the share-based tests (PSI, KL, Jensen–Shannon, L∞) on numeric columns
 * with more than 20 distinct reference values: numpy's 'sturges' bin edges over the reference
 * and current values together, then np.histogram counts (bins closed on the left, the last one
 * closed on both sides).
 */

/** np.histogram_bin_edges(x, bins='sturges') for data spanning [first, last] with `size` values. */
export function sturgesEdges(first: number, last: number, size: number): Float64Array {
  if (first === last) { first -= 0.5; last += 0.5; }
  const width = (last - first) / (Math.log2(size) + 1);
  const nbins = width ? Math.ceil((last - first) / width) : 1;
  const step = (last - first) / nbins;
  const edges = new Float64Array(nbins + 1);
  for (let i = 0; i <= nbins; i++) edges[i] = i * step + first;
  edges[nbins] = last;
  return edges;
}

/** First index with sorted[i] >= v (side='left'), or > v with `right`. */
export function searchSorted(sorted: ArrayLike<number>, v: number, right = false): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? sorted[mid]! <= v : sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of a sorted sample in the bins given by `edges` (np.histogram semantics). */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const nb = edges.length - 1;
  const counts = new Float64Array(nb);
  let prev = searchSorted(sorted, edges[0]!);
  for (let i = 1; i <= nb; i++) {
    const at = i === nb ? searchSorted(sorted, edges[i]!, true) : searchSorted(sorted, edges[i]!);
    counts[i - 1] = at - prev;
    prev = at;
  }
  return counts;
}

/**
 * The reference CDF at x from its quantile sketch (q at u = k/K, linear in between): the
 * inverse of the piecewise-linear quantile function.
 */
export function sketchCdf(q: ArrayLike<number>, x: number): number {
  const K = q.length - 1;
  if (x < q[0]!) return 0;
  if (x >= q[K]!) return 1;
  const k = searchSorted(q, x, true) - 1; // q[k] <= x < q[k+1]
  const lo = q[k]!, hi = q[k + 1]!;
  return (k + (hi > lo ? (x - lo) / (hi - lo) : 1)) / K;
}

/** Approximate reference counts per bin from the sketch (n·ΔF), for references kept as quantiles. */
export function histogramSketch(q: ArrayLike<number>, n: number, edges: Float64Array): Float64Array {
  const nb = edges.length - 1;
  const counts = new Float64Array(nb);
  let prev = sketchCdf(q, edges[0]!);
  if (edges[0]! <= q[0]!) prev = 0;
  for (let i = 1; i <= nb; i++) {
    const at = i === nb && edges[i]! >= q[q.length - 1]! ? 1 : sketchCdf(q, edges[i]!);
    counts[i - 1] = n * (at - prev);
    prev = at;
  }
  return counts;
}
