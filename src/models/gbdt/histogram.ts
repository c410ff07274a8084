/**
 * The hot loop of training: gradient and hessian sums per (feature, bin) over a node's rows.
 * Shared by the main thread and the histogram workers. Layout: feature f's bins start at
 * f * HIST_STRIDE, each bin holds (sum g, sum h) side by side; bin 255 is the missing bin.
 */
export const HIST_STRIDE = 512;

/** Control words per histogram worker in the shared Int32Array. */
export const CTRL = { SEQ: 0, DONE: 1, START: 2, END: 3, G_OFFSET: 4, F_START: 5, F_END: 6, EXIT: 7, ERROR: 8, SIZE: 16 } as const;

/** What a histogram worker receives once: the shared buffers of one fit. */
export interface HistogramWorkerInit {
  readonly bins: SharedArrayBuffer;
  readonly F: number;
  readonly g: SharedArrayBuffer;
  readonly h: SharedArrayBuffer;
  readonly rows: SharedArrayBuffer;
  readonly features: SharedArrayBuffer;
  readonly hist: SharedArrayBuffer;
  readonly ctrl: SharedArrayBuffer;
  readonly index: number;
}

export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  F: number,
  rows: Uint32Array,
  start: number,
  end: number,
  g: Float32Array,
  h: Float32Array,
  gOffset: number,
  features: Int32Array,
  fStart: number,
  fEnd: number,
): void {
  for (let j = fStart; j < fEnd; j++) {
    const base = features[j]! * HIST_STRIDE;
    hist.fill(0, base, base + HIST_STRIDE);
  }
  const contiguous = fEnd > fStart && features[fEnd - 1]! - features[fStart]! === fEnd - 1 - fStart;
  if (contiguous) {
    // Every feature in a range: no indirection through the feature list.
    const f0 = features[fStart]!;
    const f1 = f0 + (fEnd - fStart);
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const gr = g[gOffset + r]!;
      const hr = h[gOffset + r]!;
      const rowBase = r * F;
      for (let f = f0; f < f1; f++) {
        const idx = f * HIST_STRIDE + (bins[rowBase + f]! << 1);
        hist[idx] = hist[idx]! + gr;
        hist[idx + 1] = hist[idx + 1]! + hr;
      }
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const gr = g[gOffset + r]!;
    const hr = h[gOffset + r]!;
    const rowBase = r * F;
    for (let j = fStart; j < fEnd; j++) {
      const f = features[j]!;
      const idx = f * HIST_STRIDE + (bins[rowBase + f]! << 1);
      hist[idx] = hist[idx]! + gr;
      hist[idx + 1] = hist[idx + 1]! + hr;
    }
  }
}

/** parent -= child over the listed features: the larger child's histogram without a pass over its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, count: number): void {
  for (let j = 0; j < count; j++) {
    const base = features[j]! * HIST_STRIDE;
    for (let k = base; k < base + HIST_STRIDE; k++) parent[k] = parent[k]! - child[k]!;
  }
}
