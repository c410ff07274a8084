/**
 * Per-column drift between a reference and a current table, with Evidently's default choice of
 * test, and dataset drift as a share of drifted columns. Training–serving skew is the same
 * comparison with the training dataset version as reference and logged serving inputs as current.
 */
import {
  fillZeros, invalidArgument, jensenShannonDistance, klDivergence, linf, psi, sortedNonMissing, type Column, type DriftDistribution, type DriftReportOf, type LogicalType, type Table,
} from '../core/index.js';
import {
  categoryCounts, columnReference, isCategoricalType, referenceValues, SMALL_REFERENCE_MAX,
  type ColumnReference, type ReferenceStats,
} from './reference-stats.js';
import { histogramSketch, histogramSorted, sturgesEdges } from './stats/binning.js';
import { ksAgainstSketch } from './stats/ks-sketch.js';
import { chiSquareTest, ksTwoSample, wassersteinQuantiles, wassersteinSorted, zTest } from './stats/two-sample-tests.js';

export const DRIFT_TESTS = ['ks', 'chi2', 'z', 'wasserstein', 'jensenshannon', 'psi', 'kl', 'linf'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];
/** Tests whose verdict is p < threshold; the others are distances with verdict statistic >= threshold. */
export const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chi2', 'z']);
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTest, number>> = {
  ks: 0.05, chi2: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1, kl: 0.1, linf: 0.1,
};

export interface DriftOptions {
  /** One test for every column, or per column name. Unnamed columns get Evidently's default. */
  readonly method?: DriftTest | Readonly<Record<string, DriftTest>>;
  readonly threshold?: number | Readonly<Record<string, number>>;
  /** Dataset drift when at least this share of the compared columns drift (default 0.5). */
  readonly datasetDriftShare?: number;
  readonly columns?: readonly string[];
  /** Attach binned reference/current shares per column (for plots). */
  readonly distributions?: boolean;
}

export type Distribution = DriftDistribution;

export interface ColumnDrift {
  readonly column: string;
  readonly type: LogicalType;
  readonly test: DriftTest;
  readonly statistic: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly referenceSize: number;
  readonly currentSize: number;
  readonly distribution?: Distribution;
}

export type DriftReport = DriftReportOf<ColumnDrift>;

type Current =
  | { readonly kind: 'numeric'; readonly sorted: Float64Array }
  | { readonly kind: 'categorical'; readonly counts: Map<string, number>; readonly count: number };

export function detectDrift(reference: ReferenceStats | Table, current: Table, options: DriftOptions = {}): DriftReport {
  const refColumns: readonly ColumnReference[] = 'format' in reference
    ? reference.columns
    : reference.columns.map((c) => columnReference(c, { exactLimit: Infinity }));
  const wanted = options.columns ? new Set(options.columns) : null;
  if (options.columns) {
    for (const c of options.columns) if (!refColumns.some((r) => r.name === c)) throw invalidArgument('columns', `no column '${c}' in the reference`);
  }
  const share = options.datasetDriftShare ?? 0.5;
  if (!(share > 0 && share <= 1)) throw invalidArgument('datasetDriftShare', 'must be in (0, 1]');
  const results: ColumnDrift[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const ref of refColumns) {
    if (wanted && !wanted.has(ref.name)) continue;
    const col = current.columns.find((c) => c.name === ref.name);
    if (!col) { skipped.push({ column: ref.name, reason: 'not in the current data' }); continue; }
    if (isCategoricalType(col.type) !== (ref.kind === 'categorical')) {
      skipped.push({ column: ref.name, reason: `type changed from ${ref.type} to ${col.type}` });
      continue;
    }
    const cur = prepareCurrent(col);
    const curSize = cur.kind === 'numeric' ? cur.sorted.length : cur.count;
    if (ref.count === 0 || curSize === 0) { skipped.push({ column: ref.name, reason: 'no non-missing values' }); continue; }
    results.push(compareColumn(ref, cur, options));
  }
  return summarize(results, skipped, share);
}

/**
 * For a drift asked for by name (`keel drift`, POST /drift, detectDriftParallel): a test or
 * threshold named for a column the reference lacks (a typo) was left unused without a word, and a
 * threshold of 0 or less made every column drift (distances) or none (p-values). A saved schema's
 * drift options are not checked so: a column gone from the data must not stop `keel validate`.
 */
export function checkDriftOptions(options: DriftOptions, columns: readonly string[]): void {
  for (const field of ['method', 'threshold'] as const) {
    const given = options[field];
    if (given === undefined || typeof given !== 'object') continue;
    for (const c of Object.keys(given)) if (!columns.includes(c)) throw invalidArgument(`${field}.${c}`, `no column '${c}' in the reference (columns: ${columns.join(', ')})`);
  }
  const thresholds = typeof options.threshold === 'object' ? Object.values(options.threshold) : options.threshold === undefined ? [] : [options.threshold];
  for (const t of thresholds) if (!(Number.isFinite(t) && t > 0)) throw invalidArgument('threshold', `expected a positive number, got ${t}`);
}

export function summarize(columns: ColumnDrift[], skipped: { column: string; reason: string }[], share: number): DriftReport {
  const drifted = columns.filter((c) => c.drifted).length;
  const driftedShare = columns.length ? drifted / columns.length : 0;
  return { columns, driftedShare, datasetDrift: columns.length > 0 && driftedShare >= share, datasetDriftShare: share, skipped };
}

/** Training–serving skew: the training reference against a table of logged serving inputs. */
export function skew(trainingReference: ReferenceStats | Table, servingInputs: Table, options: DriftOptions = {}): DriftReport {
  return detectDrift(trainingReference, servingInputs, options);
}

function prepareCurrent(col: Column): Current {
  if (isCategoricalType(col.type)) {
    const { counts } = categoryCounts(col);
    let count = 0;
    for (const n of counts.values()) count += n;
    return { kind: 'categorical', counts, count };
  }
  if (col.type === 'string') throw new Error('unreachable');
  return { kind: 'numeric', sorted: sortedNonMissing(col.values) };
}

/** Evidently's default: by reference size, column kind and the number of distinct values in both. */
export function defaultTest(ref: ColumnReference, cur: Current): DriftTest {
  const small = ref.count <= SMALL_REFERENCE_MAX;
  if (ref.kind === 'categorical') {
    if (!small) return 'jensenshannon';
    return unionSize(ref, cur, 3) > 2 ? 'chi2' : 'z';
  }
  const nValues = unionSize(ref, cur, 6);
  if (small) return nValues <= 5 ? (nValues > 2 ? 'chi2' : 'z') : 'ks';
  return nValues <= 5 ? 'jensenshannon' : 'wasserstein';
}

/** Distinct values of reference and current together, counted up to `cap`. */
function unionSize(ref: ColumnReference, cur: Current, cap: number): number {
  const keys = new Set<string>();
  if (ref.kind === 'categorical') for (const k of Object.keys(ref.counts)) keys.add(k);
  else if (ref.valueCounts) for (const [v] of ref.valueCounts) keys.add(String(v));
  else return Math.max(cap, ref.distinct);
  if (cur.kind === 'categorical') for (const k of cur.counts.keys()) { keys.add(k); if (keys.size >= cap) break; }
  else {
    const s = cur.sorted;
    for (let i = 0; i < s.length && keys.size < cap; i++) if (i === 0 || s[i] !== s[i - 1]) keys.add(String(s[i]));
  }
  return keys.size;
}

function pick<T>(opt: T | Readonly<Record<string, T>> | undefined, column: string, isScalar: (v: unknown) => v is T): T | undefined {
  if (opt === undefined) return undefined;
  return isScalar(opt) ? opt : (opt as Readonly<Record<string, T>>)[column];
}

function compareColumn(ref: ColumnReference, cur: Current, options: DriftOptions): ColumnDrift {
  const test = pick(options.method, ref.name, (v): v is DriftTest => typeof v === 'string') ?? defaultTest(ref, cur);
  if (!DRIFT_TESTS.includes(test)) throw invalidArgument('method', `unknown test '${test}' (known: ${DRIFT_TESTS.join(', ')})`);
  const threshold = pick(options.threshold, ref.name, (v): v is number => typeof v === 'number') ?? DEFAULT_THRESHOLDS[test];
  const { statistic, pValue } = runTest(test, ref, cur);
  const drifted = P_VALUE_TESTS.has(test) ? pValue! < threshold : statistic >= threshold;
  const currentSize = cur.kind === 'numeric' ? cur.sorted.length : cur.count;
  return {
    column: ref.name, type: ref.type, test, statistic, ...(pValue === undefined ? {} : { pValue }), threshold, drifted,
    referenceSize: ref.count, currentSize,
    ...(options.distributions ? { distribution: distributionOf(ref, cur) } : {}),
  };
}

function runTest(test: DriftTest, ref: ColumnReference, cur: Current): { statistic: number; pValue?: number } {
  if (test === 'ks' || test === 'wasserstein') {
    if (ref.kind !== 'numeric' || cur.kind !== 'numeric') throw invalidArgument('method', `${test} needs a numeric column ('${ref.name}' is ${ref.type})`);
    const values = referenceValues(ref);
    if (test === 'ks') {
      const r = values ? ksTwoSample(values, cur.sorted) : ksAgainstSketch(ref.quantiles!, ref.count, cur.sorted);
      return { statistic: r.statistic, pValue: r.pValue };
    }
    const w = values ? wassersteinSorted(values, cur.sorted) : wassersteinQuantiles(ref.quantiles!, cur.sorted);
    return { statistic: w / Math.max(ref.std, 0.001) };
  }
  const shares = sharesOf(ref, cur);
  switch (test) {
    case 'chi2': return chiSquareTest(shares.refCounts, shares.curCounts);
    case 'z': {
      // Evidently: indicator of "not the first category in sorted order"; |z| does not depend on the choice.
      const r0 = shares.refCounts[0]!, c0 = shares.curCounts[0]!;
      return zTest([r0, ref.count - r0], [c0, shares.curTotal - c0]);
    }
    case 'jensenshannon': return { statistic: jensenShannonDistance(shares.ref, shares.cur) };
    case 'psi': return { statistic: psi(fillZeros(shares.ref), fillZeros(shares.cur)) };
    case 'kl': return { statistic: klDivergence(fillZeros(shares.ref), fillZeros(shares.cur)) };
    case 'linf': return { statistic: linf(shares.ref, shares.cur) };
  }
}

interface Shares {
  readonly labels: string[];
  readonly edges: Float64Array | null;
  readonly refCounts: Float64Array;
  readonly curCounts: Float64Array;
  readonly curTotal: number;
  /** Shares of the non-missing rows. */
  readonly ref: Float64Array;
  readonly cur: Float64Array;
}

/** Aligned counts over categories (or values, or Sturges bins for numeric columns with > 20 distinct values). */
function sharesOf(ref: ColumnReference, cur: Current): Shares {
  let labels: string[];
  let edges: Float64Array | null = null;
  let refCounts: Float64Array, curCounts: Float64Array;
  if (ref.kind === 'categorical' || ref.valueCounts) {
    const refMap = ref.kind === 'categorical' ? new Map(Object.entries(ref.counts)) : new Map(ref.valueCounts!.map(([v, n]) => [String(v), n]));
    const curMap = cur.kind === 'categorical' ? cur.counts : valueCountsOf(cur.sorted);
    const keys = new Set([...refMap.keys(), ...curMap.keys()]);
    labels = ref.kind === 'numeric' ? [...keys].sort((a, b) => Number(a) - Number(b)) : [...keys].sort();
    refCounts = Float64Array.from(labels, (k) => refMap.get(k) ?? 0);
    curCounts = Float64Array.from(labels, (k) => curMap.get(k) ?? 0);
  } else {
    if (cur.kind !== 'numeric') throw new Error('unreachable');
    const n = cur.sorted.length;
    edges = sturgesEdges(Math.min(ref.min, cur.sorted[0]!), Math.max(ref.max, cur.sorted[n - 1]!), ref.count + n);
    const values = referenceValues(ref);
    refCounts = values ? histogramSorted(values, edges) : histogramSketch(ref.quantiles!, ref.count, edges);
    curCounts = histogramSorted(cur.sorted, edges);
    labels = Array.from({ length: edges.length - 1 }, (_, i) => `[${fmt(edges![i]!)}, ${fmt(edges![i + 1]!)}${i === edges!.length - 2 ? ']' : ')'}`);
  }
  const curTotal = cur.kind === 'numeric' ? cur.sorted.length : cur.count;
  return {
    labels, edges, refCounts, curCounts, curTotal,
    ref: refCounts.map((c) => c / ref.count), cur: curCounts.map((c) => c / curTotal),
  };
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

function valueCountsOf(sorted: Float64Array): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    m.set(String(sorted[i]), j - i);
    i = j;
  }
  return m;
}

/** Shares for plotting: categories (top 20 by reference share, then the rest summed) or 30 equal bins. */
function distributionOf(ref: ColumnReference, cur: Current): Distribution {
  if (ref.kind === 'numeric' && !ref.valueCounts && cur.kind === 'numeric') {
    const n = cur.sorted.length;
    const lo = Math.min(ref.min, cur.sorted[0]!), hi = Math.max(ref.max, cur.sorted[n - 1]!);
    const edges = Float64Array.from({ length: 31 }, (_, i) => (i === 30 ? hi : lo + ((hi - lo) * i) / 30));
    const values = referenceValues(ref);
    const rc = values ? histogramSorted(values, edges) : histogramSketch(ref.quantiles!, ref.count, edges);
    const cc = histogramSorted(cur.sorted, edges);
    return {
      labels: Array.from({ length: 30 }, (_, i) => `${fmt(edges[i]!)}`), edges: Array.from(edges),
      reference: Array.from(rc, (c) => c / ref.count), current: Array.from(cc, (c) => c / n),
    };
  }
  const s = sharesOf(ref, cur);
  const order = s.labels.map((_, i) => i).sort((a, b) => s.ref[b]! + s.cur[b]! - (s.ref[a]! + s.cur[a]!));
  const top = ref.kind === 'numeric' ? order.slice(0, 20).sort((a, b) => a - b) : order.slice(0, 20);
  const rest = order.slice(20);
  const sum = (v: Float64Array, idx: number[]) => idx.reduce((acc, i) => acc + v[i]!, 0);
  return {
    labels: [...top.map((i) => s.labels[i]!), ...(rest.length ? [`other (${rest.length})`] : [])],
    edges: null,
    reference: [...top.map((i) => s.ref[i]!), ...(rest.length ? [sum(s.ref, rest)] : [])],
    current: [...top.map((i) => s.cur[i]!), ...(rest.length ? [sum(s.cur, rest)] : [])],
  };
}
