/**
 * The hot loop of training: gradient and hessian sums per (feature, bin) over a node's rows.
 * Shared by the main thread and the histogram workers. Layout: feature f's bins start at
 * f * HIST_STRIDE, each bin holds (sum g, sum h) side by side; bin 255 is the missing bin.
 */
/** Doubles per feature: 256 bins × (g, h). The hot loop writes it as `f << 9`. */
export const HIST_STRIDE = 512;

/** Control words per histogram worker in the shared Int32Array. */
export const CTRL = { SEQ: 0, DONE: 1, JOBS: 2, G_OFFSET: 4, FEATURES: 5, EXIT: 7, ERROR: 8, SIZE: 16 } as const;
/** Int32s per job in the shared job list: start row, end row (the histogram goes to slot = job index). */
export const JOB_SIZE = 2;

/** What a histogram worker receives once: the shared buffers of one fit. */
export interface HistogramWorkerInit {
  readonly bins: SharedArrayBuffer;
  readonly F: number;
  readonly g: SharedArrayBuffer;
  readonly h: SharedArrayBuffer;
  readonly rows: SharedArrayBuffer;
  readonly features: SharedArrayBuffer;
  /** `slots` histograms of F × HIST_STRIDE doubles, one per job of a batch. */
  readonly hist: SharedArrayBuffer;
  readonly slots: number;
  readonly jobs: SharedArrayBuffer;
  readonly threads: number;
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
  // Four features per step: V8 does not unroll, and this halves the time per update (measured:
  // 3.6 → 2.0 ns on 320k rows × 28 features, CPU time on this machine).
  const contiguous = fEnd > fStart && features[fEnd - 1]! - features[fStart]! === fEnd - 1 - fStart;
  if (contiguous) {
    // Every feature in a range: no indirection through the feature list.
    const f0 = features[fStart]!;
    const f1 = f0 + (fEnd - fStart);
    const f4 = f0 + ((f1 - f0) & ~3);
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const gr = g[gOffset + r]!;
      const hr = h[gOffset + r]!;
      const rb = r * F;
      let f = f0;
      for (; f < f4; f += 4) {
        const i0 = (f << 9) + (bins[rb + f]! << 1);
        const i1 = ((f + 1) << 9) + (bins[rb + f + 1]! << 1);
        const i2 = ((f + 2) << 9) + (bins[rb + f + 2]! << 1);
        const i3 = ((f + 3) << 9) + (bins[rb + f + 3]! << 1);
        hist[i0] = hist[i0]! + gr;
        hist[i0 + 1] = hist[i0 + 1]! + hr;
        hist[i1] = hist[i1]! + gr;
        hist[i1 + 1] = hist[i1 + 1]! + hr;
        hist[i2] = hist[i2]! + gr;
        hist[i2 + 1] = hist[i2 + 1]! + hr;
        hist[i3] = hist[i3]! + gr;
        hist[i3 + 1] = hist[i3 + 1]! + hr;
      }
      for (; f < f1; f++) {
        const idx = (f << 9) + (bins[rb + f]! << 1);
        hist[idx] = hist[idx]! + gr;
        hist[idx + 1] = hist[idx + 1]! + hr;
      }
    }
    return;
  }
  const j4 = fStart + ((fEnd - fStart) & ~3);
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const gr = g[gOffset + r]!;
    const hr = h[gOffset + r]!;
    const rb = r * F;
    let j = fStart;
    for (; j < j4; j += 4) {
      const fa = features[j]!;
      const fb = features[j + 1]!;
      const fc = features[j + 2]!;
      const fd = features[j + 3]!;
      const i0 = (fa << 9) + (bins[rb + fa]! << 1);
      const i1 = (fb << 9) + (bins[rb + fb]! << 1);
      const i2 = (fc << 9) + (bins[rb + fc]! << 1);
      const i3 = (fd << 9) + (bins[rb + fd]! << 1);
      hist[i0] = hist[i0]! + gr;
      hist[i0 + 1] = hist[i0 + 1]! + hr;
      hist[i1] = hist[i1]! + gr;
      hist[i1 + 1] = hist[i1 + 1]! + hr;
      hist[i2] = hist[i2]! + gr;
      hist[i2 + 1] = hist[i2 + 1]! + hr;
      hist[i3] = hist[i3]! + gr;
      hist[i3 + 1] = hist[i3 + 1]! + hr;
    }
    for (; j < fEnd; j++) {
      const f = features[j]!;
      const idx = (f << 9) + (bins[rb + f]! << 1);
      hist[idx] = hist[idx]! + gr;
      hist[idx + 1] = hist[idx + 1]! + hr;
    }
  }
}

/** The share of the feature list [0, count) that thread t of T builds. */
export function featureShare(t: number, T: number, count: number): [number, number] {
  return [Math.floor((t * count) / T), Math.floor(((t + 1) * count) / T)];
}

/**
 * One thread's part of a batch: for every job, the histogram of its rows over this thread's
 * share of the features, into the job's slot.
 */
export function runJobs(views: readonly Float64Array[], jobs: Int32Array, jobCount: number, bins: Uint8Array, F: number, rows: Uint32Array, g: Float32Array, h: Float32Array, gOffset: number, features: Int32Array, fStart: number, fEnd: number): void {
  if (fEnd <= fStart) return;
  for (let q = 0; q < jobCount; q++) {
    buildHistogram(views[q]!, bins, F, rows, jobs[q * JOB_SIZE]!, jobs[q * JOB_SIZE + 1]!, g, h, gOffset, features, fStart, fEnd);
  }
}

/** parent -= child over the listed features: the larger child's histogram without a pass over its rows. */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, count: number): void {
  for (let j = 0; j < count; j++) {
    const base = features[j]! * HIST_STRIDE;
    for (let k = base; k < base + HIST_STRIDE; k++) parent[k] = parent[k]! - child[k]!;
  }
}
