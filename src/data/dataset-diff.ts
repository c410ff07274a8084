import type { LogicalType } from '../core/index.js';
import type { ColumnProfile, DatasetVersion } from './types.js';

export interface Shift {
  readonly a: number | null;
  readonly b: number | null;
  /** b - a, or null when either side is missing. */
  readonly delta: number | null;
}

export interface ColumnShift {
  readonly name: string;
  readonly type: LogicalType;
  readonly mean: Shift;
  readonly std: Shift;
  /** (b.mean - a.mean) / a.std: how far the mean moved, in A's standard deviations. */
  readonly meanShiftInStd: number | null;
  readonly missingRate: Shift;
  readonly distinct: Shift;
  readonly quantiles: Readonly<Record<string, Shift>> | null;
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
}

export interface DatasetDiff {
  readonly a: { readonly name: string; readonly version: string; readonly rows: number };
  readonly b: { readonly name: string; readonly version: string; readonly rows: number };
  readonly schema: {
    readonly added: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly removed: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly changed: readonly SchemaChange[];
  };
  /** One entry per column present in both versions. */
  readonly columns: readonly ColumnShift[];
}

const shift = (a: number | null, b: number | null): Shift => ({ a, b, delta: a === null || b === null ? null : b - a });
const rate = (p: ColumnProfile): number | null => {
  const n = p.stats.count + p.stats.missing;
  return n === 0 ? null : p.stats.missing / n;
};

export function diffVersions(a: DatasetVersion, b: DatasetVersion): DatasetDiff {
  const byNameA = new Map(a.columns.map((c) => [c.name, c]));
  const byNameB = new Map(b.columns.map((c) => [c.name, c]));
  const added = b.columns.filter((c) => !byNameA.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
  const removed = a.columns.filter((c) => !byNameB.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
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
      });
    }
    columns.push(columnShift(ca, cb));
  }
  return {
    a: { name: a.name, version: a.version, rows: a.rows },
    b: { name: b.name, version: b.version, rows: b.rows },
    schema: { added, removed, changed },
    columns,
  };
}

function columnShift(a: ColumnProfile, b: ColumnProfile): ColumnShift {
  const sa = a.stats, sb = b.stats;
  const qa = sa.quantiles, qb = sb.quantiles;
  const quantiles = qa && qb ? Object.fromEntries(Object.keys(qa).map((k) => [k, shift(qa[k as keyof typeof qa], qb[k as keyof typeof qb])])) : null;
  const topA = new Set(sa.top.map((t) => t.value));
  const topB = new Set(sb.top.map((t) => t.value));
  return {
    name: a.name,
    type: b.type,
    mean: shift(sa.mean, sb.mean),
    std: shift(sa.std, sb.std),
    meanShiftInStd: sa.mean !== null && sb.mean !== null && sa.std ? (sb.mean - sa.mean) / sa.std : null,
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
