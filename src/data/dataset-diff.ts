import type { LogicalType } from '../core/index.js';
import { statsDrift, type StatsDrift } from './diff-drift.js';
import { columnMoves, renameHints, type ColumnMove, type RenameHint } from './diff-schema.js';
import type { ColumnProfile, DatasetVersion } from './types.js';

export type { StatsDrift } from './diff-drift.js';
export type { ColumnMove, RenameHint } from './diff-schema.js';

export interface Shift {
  readonly a: number | null;
  readonly b: number | null;
  /** b - a, or null when either side is missing. */
  readonly delta: number | null;
  /** delta / |a|, or null when a is 0 or either side is missing (and for a timestamp's mean and quantiles: a time has no zero). */
  readonly relative: number | null;
}

/** A shift of a location (the mean, a quantile), also in A's standard deviations. */
export interface LocationShift extends Shift {
  /** delta / A's std, or null when A's std is 0 or missing. */
  readonly inStd: number | null;
}

export interface ColumnShift {
  readonly name: string;
  readonly type: LogicalType;
  /** Whether the type or any stored statistic differs (false: the column's profile is the same). */
  readonly changed: boolean;
  /** How far the distribution of the non-missing values moved; null when a side has none or the types do not compare. */
  readonly drift: StatsDrift | null;
  readonly mean: LocationShift;
  readonly std: Shift;
  /** (b.mean - a.mean) / a.std: the same as mean.inStd. */
  readonly meanShiftInStd: number | null;
  readonly missingRate: Shift;
  readonly distinct: Shift;
  readonly quantiles: Readonly<Record<string, LocationShift>> | null;
  /** Values in B's top 20 and not in A's, and the other way round. */
  readonly newTopValues: readonly string[];
  readonly vanishedTopValues: readonly string[];
  /**
   * Each value of either version's top 20 with its share of the non-missing values in A and B (the
   * country FR: 0.355 → 0.126), the largest change first; a share is null where the value is not
   * in that version's top 20 (its count there is not stored), and such values come last.
   */
  readonly topShares: readonly TopShare[];
}

export interface TopShare extends Shift {
  readonly value: string;
}

export interface SchemaChange {
  readonly name: string;
  readonly type?: { readonly a: LogicalType; readonly b: LogicalType };
  readonly nullable?: { readonly a: boolean; readonly b: boolean };
  /**
   * With a type change: the version whose values are all missing. Its type was read from no value
   * (an all-missing column is a string), so the change may be none.
   */
  readonly allMissing?: 'a' | 'b';
}

export interface DatasetDiff {
  readonly a: { readonly name: string; readonly version: string; readonly rows: number };
  readonly b: { readonly name: string; readonly version: string; readonly rows: number };
  readonly rows: Shift;
  /** Whether both versions hold the same content (the same version, or the same rows added twice). */
  readonly sameContent: boolean;
  readonly schema: {
    readonly added: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly removed: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly changed: readonly SchemaChange[];
    /** Columns of both versions that changed place (A's and B's 0-based positions). */
    readonly moved: readonly ColumnMove[];
    /** Removed and added columns that may be one column renamed: same type, alike statistics. */
    readonly renamed: readonly RenameHint[];
  };
  /** One entry per column present in both versions, in A's order. */
  readonly columns: readonly ColumnShift[];
}

const shift = (a: number | null, b: number | null, relative = true): Shift => ({
  a, b,
  delta: a === null || b === null ? null : b - a,
  relative: !relative || a === null || b === null || a === 0 ? null : (b - a) / Math.abs(a),
});
const location = (a: number | null, b: number | null, std: number | null, isTime: boolean): LocationShift => {
  const s = shift(a, b, !isTime);
  return { ...s, inStd: s.delta !== null && std ? s.delta / std : null };
};
const rate = (p: ColumnProfile): number | null => {
  const n = p.stats.count + p.stats.missing;
  return n === 0 ? null : p.stats.missing / n;
};

export function diffVersions(a: DatasetVersion, b: DatasetVersion): DatasetDiff {
  const byNameA = new Map(a.columns.map((c) => [c.name, c]));
  const byNameB = new Map(b.columns.map((c) => [c.name, c]));
  const added = b.columns.filter((c) => !byNameA.has(c.name));
  const removed = a.columns.filter((c) => !byNameB.has(c.name));
  const changed: SchemaChange[] = [];
  const columns: ColumnShift[] = [];
  for (const ca of a.columns) {
    const cb = byNameB.get(ca.name);
    if (!cb) continue;
    if (ca.type !== cb.type || ca.nullable !== cb.nullable) {
      changed.push({
        name: ca.name,
        ...(ca.type !== cb.type ? { type: { a: ca.type, b: cb.type } } : {}),
        ...(ca.nullable !== cb.nullable ? { nullable: { a: ca.nullable, b: cb.nullable } } : {}),
        ...(ca.type !== cb.type && (ca.stats.count === 0 || cb.stats.count === 0) ? { allMissing: ca.stats.count === 0 ? 'a' as const : 'b' as const } : {}),
      });
    }
    columns.push(columnShift(ca, cb));
  }
  const typed = (c: ColumnProfile) => ({ name: c.name, type: c.type });
  return {
    a: { name: a.name, version: a.version, rows: a.rows },
    b: { name: b.name, version: b.version, rows: b.rows },
    rows: shift(a.rows, b.rows),
    sameContent: a.contentSha256 === b.contentSha256,
    schema: {
      added: added.map(typed),
      removed: removed.map(typed),
      changed,
      moved: columnMoves(a.columns.map((c) => c.name), b.columns.map((c) => c.name)),
      renamed: renameHints(removed, added),
    },
    columns,
  };
}

function columnShift(a: ColumnProfile, b: ColumnProfile): ColumnShift {
  const sa = a.stats, sb = b.stats;
  const qa = sa.quantiles, qb = sb.quantiles;
  const isTime = a.type === 'timestamp' || b.type === 'timestamp';
  const quantiles = qa && qb ? Object.fromEntries(Object.keys(qa).map((k) => [k, location(qa[k as keyof typeof qa], qb[k as keyof typeof qb], sa.std, isTime)])) : null;
  const topA = new Set(sa.top.map((t) => t.value));
  const topB = new Set(sb.top.map((t) => t.value));
  const mean = location(sa.mean, sb.mean, sa.std, isTime);
  return {
    name: a.name,
    type: b.type,
    changed: a.type !== b.type || JSON.stringify(sa) !== JSON.stringify(sb),
    drift: statsDrift(a, b),
    mean,
    std: shift(sa.std, sb.std),
    meanShiftInStd: mean.inStd,
    missingRate: shift(rate(a), rate(b)),
    distinct: shift(sa.distinct, sb.distinct),
    quantiles,
    newTopValues: [...topB].filter((v) => !topA.has(v)),
    vanishedTopValues: [...topA].filter((v) => !topB.has(v)),
    topShares: topShares(a, b),
  };
}

/** ColumnShift.topShares. */
function topShares(a: ColumnProfile, b: ColumnProfile): TopShare[] {
  const shares = (p: ColumnProfile) => new Map(p.stats.top.map((t) => [t.value, p.stats.count > 0 ? t.count / p.stats.count : 0]));
  const [sa, sb] = [shares(a), shares(b)];
  const values = [...new Set([...sa.keys(), ...sb.keys()])];
  const size = (t: TopShare) => (t.delta === null ? -1 : Math.abs(t.delta));
  return values.map((value) => ({ value, ...shift(sa.get(value) ?? null, sb.get(value) ?? null) })).sort((x, y) => size(y) - size(x));
}
