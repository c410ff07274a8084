import type { DatasetDiffResult } from '../../client/index.js';
import { counted, formatCell, printLine, printTable } from '../output.js';
import { cellText, shown, stdShown, topValueShown, truncate } from './data-output.js';

type ColumnDiff = DatasetDiffResult['columns'][number];
type Side = number | null | undefined;

/**
 * What the table is sorted by, largest first: a type change, then a column whose values are all
 * missing on one side, then the larger of the Jensen–Shannon distance and the change in missing
 * share (both between 0 and 1); an unchanged column is 0.
 */
export function diffRank(c: ColumnDiff, typeChanged: boolean): number {
  if (!c.changed) return 0;
  if (typeChanged) return 3;
  if (c.drift === null && c.missingRate.a !== c.missingRate.b) return 2;
  return Math.max(c.drift?.jensenShannon ?? 0, Math.abs(c.missingRate.delta ?? 0));
}

/** A duration in ms as people read it: `+29d 21h`, `-3h 12m`, `+45m 0s`, `+1.5s`. */
export function durationText(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.abs(ms) / 1000;
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) => `${sign}${Math.floor(big)}${bigUnit} ${Math.floor(small)}${smallUnit}`;
  if (s >= 86_400) return parts(s / 86_400, 'd', (s % 86_400) / 3600, 'h');
  if (s >= 3600) return parts(s / 3600, 'h', (s % 3600) / 60, 'm');
  if (s >= 60) return parts(s / 60, 'm', s % 60, 's');
  return `${sign}${formatCell(s)}s`;
}

const percent = (x: Side, digits = 1) => (x === null || x === undefined ? null : `${(100 * x).toFixed(digits)}%`);
const signedPercent = (x: Side) => (x === null || x === undefined ? null : `${x >= 0 ? '+' : ''}${percent(x)}`);
const arrow = (s: { a: number | null; b: number | null }, show: (x: Side) => unknown = (x) => x) =>
  s.a === null && s.b === null ? null : `${formatCell(show(s.a)) || '-'} → ${formatCell(show(s.b)) || '-'}`;

/**
 * The mean's change: a duration for a timestamp, a signed number otherwise (not relative: a mean
 * near 0 makes a relative change huge; Δ/std beside it is the scale-free figure).
 */
function meanChange(c: ColumnDiff): string | null {
  const d = c.mean.delta;
  if (d === null) return null;
  return c.type === 'timestamp' ? durationText(d) : `${d >= 0 ? '+' : ''}${formatCell(d)}`;
}

/**
 * Top values say something of a string or bool column, or of a number with at most 20 values
 * (all of them listed); a continuous column's top 20 are ties of 2 or 3 rows, and their churn
 * is noise in a table (they stay in --json).
 */
function topsMeaningful(c: ColumnDiff): boolean {
  return c.type === 'string' || c.type === 'bool' || c.drift?.basis === 'values';
}

function row(c: ColumnDiff): Record<string, unknown> {
  const tops = topsMeaningful(c);
  const top = tops ? c.topShares.find((t) => t.delta !== null) : undefined;
  const list = (values: readonly string[]) => (tops && values.length ? truncate(values.map((t) => cellText(topValueShown(c, t), 30)).join(','), 30) : null);
  return {
    column: c.name,
    js: c.drift?.jensenShannon ?? null,
    psi: c.drift?.psi ?? null,
    mean: arrow(c.mean, (x) => shown(c, x)),
    'Δmean': meanChange(c),
    'Δ/std': c.mean.inStd,
    std: arrow(c.std, (x) => stdShown(c, x)),
    missing: arrow(c.missingRate, (x) => percent(x)),
    distinct: arrow(c.distinct),
    p50: c.quantiles?.p50 ? arrow(c.quantiles.p50, (x) => shown(c, x)) : null,
    // The top value whose share moved most (both shares known): a category's shift.
    'top share': top && top.delta !== 0 ? `${cellText(topValueShown(c, top.value), 16)} ${arrow(top, (x) => percent(x))}` : null,
    'new top': list(c.newTopValues),
    'gone top': list(c.vanishedTopValues),
  };
}

function printSchema(d: DatasetDiffResult): void {
  const { added, removed, changed, moved, renamed } = d.schema;
  if (added.length + removed.length + changed.length + moved.length === 0) printLine('schema: unchanged');
  const renamedTo = new Map(renamed.map((r) => [r.b, r]));
  for (const c of added) {
    const r = renamedTo.get(c.name);
    printLine(`+ column ${c.name} (${c.type})${r ? `: maybe ${r.a} renamed (alike values, Jensen–Shannon ${formatCell(r.jensenShannon)})` : ''}`);
  }
  for (const c of removed) printLine(`- column ${c.name} (${c.type})`);
  for (const c of changed) {
    const parts = [
      c.type ? `type ${c.type.a} → ${c.type.b}${c.allMissing ? ` (every value missing in ${c.allMissing === 'a' ? d.a.version : d.b.version}: its type is read from none)` : ''}` : '',
      c.nullable ? `nullable ${c.nullable.a} → ${c.nullable.b}` : '',
    ].filter(Boolean);
    printLine(`~ column ${c.name}: ${parts.join(', ')}`);
  }
  for (const m of moved) printLine(`↕ column ${m.name}: position ${m.a + 1} → ${m.b + 1}`);
}

/** `keel data diff`'s text: the header, the schema changes, a summary line, then the changed columns, largest shift first. */
export function printDiff(d: DatasetDiffResult, options: { all?: boolean; limit?: number } = {}): void {
  const rows = d.rows.delta === null || d.rows.delta === 0 ? '' : `: ${d.rows.delta > 0 ? '+' : ''}${d.rows.delta}${d.rows.relative === null ? '' : `, ${signedPercent(d.rows.relative)}`}`;
  printLine(`${d.a.name}@${d.a.version} (${counted(d.a.rows, 'row')}) → ${d.b.name}@${d.b.version} (${counted(d.b.rows, 'row')}${rows})${d.sameContent ? ': the same content' : ''}`);
  printSchema(d);
  const typeChanged = new Set(d.schema.changed.filter((c) => c.type && !c.allMissing).map((c) => c.name));
  const ranked = d.columns.map((c) => ({ c, rank: diffRank(c, typeChanged.has(c.name)) })).sort((x, y) => y.rank - x.rank);
  const changedCount = d.columns.filter((c) => c.changed).length;
  const drifted = d.columns.filter((c) => (c.drift?.jensenShannon ?? 0) >= 0.1).length;
  printLine(`${d.columns.length} column${d.columns.length === 1 ? '' : 's'} in both: ${changedCount} changed, ${drifted} drifted (Jensen–Shannon ≥ 0.1), ${d.columns.length - changedCount} unchanged`);
  const shown_ = ranked.filter((r) => options.all || r.c.changed);
  const limited = options.limit === undefined ? shown_ : shown_.slice(0, options.limit);
  if (limited.length === 0) return;
  printLine();
  printTable(limited.map((r) => row(r.c)), ['column', 'js', 'psi', 'mean', 'Δmean', 'Δ/std', 'std', 'missing', 'distinct', 'p50', 'top share', 'new top', 'gone top']);
  const left = shown_.length - limited.length;
  const hidden = options.all ? 0 : d.columns.length - changedCount;
  const notes = [left ? `${left} more changed column${left === 1 ? '' : 's'} (--limit)` : '', hidden ? `${hidden} unchanged (--all shows them)` : ''].filter(Boolean);
  if (notes.length) printLine(`… ${notes.join('; ')}`);
}
