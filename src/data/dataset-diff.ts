import { statsDrift } from './diff-drift.js';
import { columnMoves, renameHints } from './diff-schema.js';
import type { ColumnProfile, ColumnShift, DatasetDiff, DatasetVersion, LocationShift, SchemaChange, Shift, TopShare } from './types.js';

export type { ColumnMove, ColumnShift, DatasetDiff, LocationShift, RenameHint, SchemaChange, Shift, StatsDrift, TopShare } from './types.js';

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
  const sa = shares(a), sb = shares(b);
  const values = [...new Set([...sa.keys(), ...sb.keys()])];
  const size = (t: TopShare) => (t.delta === null ? -1 : Math.abs(t.delta));
  return values.map((value) => ({ value, ...shift(sa.get(value) ?? null, sb.get(value) ?? null) })).sort((x, y) => size(y) - size(x));
}
