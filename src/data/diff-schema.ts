/** The schema parts of a version diff beyond added and removed: moved columns and rename hints. */
import { statsDrift } from './diff-drift.js';
import type { ColumnMove, ColumnProfile, RenameHint } from './types.js';

/**
 * Below keel drift's default threshold for the Jensen–Shannon distance: the two columns' values
 * are not told apart as drifted, so they may be the same column.
 */
const RENAME_MAX_DISTANCE = 0.1;

/**
 * The columns of both versions that changed place: as few as keep the others in order (those
 * outside a longest common subsequence). Each name appears once in a version, so that subsequence
 * is a longest increasing run of A-positions in B's order: O(n log n) for any width.
 */
export function columnMoves(namesA: readonly string[], namesB: readonly string[]): ColumnMove[] {
  const posA = new Map(namesA.map((n, i) => [n, i]));
  const posB = new Map(namesB.map((n, i) => [n, i]));
  const common = namesB.filter((n) => posA.has(n));
  const seq = common.map((n) => posA.get(n)!);
  // Patience sorting: tails[k] is the index (in seq) ending the best run of length k + 1.
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  seq.forEach((v, i) => {
    let lo = 0, hi = tails.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (seq[tails[mid]!]! < v) lo = mid + 1; else hi = mid; }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) kept.add(i);
  return common.flatMap((n, i) => (kept.has(i) ? [] : [{ name: n, a: posA.get(n)!, b: posB.get(n)! }])).sort((x, y) => x.b - y.b);
}

/**
 * Removed and added columns that may be one column renamed: of the same type, with values whose
 * distance is below RENAME_MAX_DISTANCE, paired closest first. A hint, not a verdict: two
 * columns of alike values (two uniform scores) pair up too.
 */
export function renameHints(removed: readonly ColumnProfile[], added: readonly ColumnProfile[]): RenameHint[] {
  const pairs: RenameHint[] = [];
  for (const r of removed) {
    for (const n of added) {
      if (r.type !== n.type) continue;
      const d = statsDrift(r, n);
      if (d && d.jensenShannon < RENAME_MAX_DISTANCE) pairs.push({ a: r.name, b: n.name, jensenShannon: d.jensenShannon });
    }
  }
  pairs.sort((x, y) => x.jensenShannon - y.jensenShannon);
  const usedA = new Set<string>(), usedB = new Set<string>();
  return pairs.filter((p) => {
    if (usedA.has(p.a) || usedB.has(p.b)) return false;
    usedA.add(p.a); usedB.add(p.b);
    return true;
  });
}
