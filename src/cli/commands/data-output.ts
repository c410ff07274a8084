import type { DatasetAdded, DatasetColumn, DatasetVersionDetail } from '../../client/index.js';
import { formatCell, printLine, printTable } from '../output.js';

/** The `--json` shape of `keel data show`: exactly these keys. */
export function showJson(v: DatasetVersionDetail): unknown {
  return {
    name: v.name,
    version: v.version,
    rows: v.rows,
    columns: v.columns.map((c) => {
      const s = c.stats;
      return {
        name: c.name,
        type: c.type,
        nullable: c.nullable,
        stats: { count: s.count, missing: s.missing, min: s.min, max: s.max, mean: s.mean, std: s.std, distinct: s.distinct, quantiles: s.quantiles, top: s.top, histogram: s.histogram },
      };
    }),
  };
}

/**
 * The `--json` shape of `keel data add`: `data show --json`'s keys, then whether this add stored
 * the version (`created`) and what it noted (`notes`, empty when nothing), as the HTTP answer
 * carries them, so that a script can tell a new version from one found again without a second call.
 */
export function addJson(v: DatasetAdded): unknown {
  return { ...(showJson(v) as object), created: v.created, notes: v.notes ?? [] };
}

/**
 * Timestamps print as ISO times, everything else as numbers. A statistic's epoch ms may hold
 * microseconds: floored, as a Date would truncate -0.001 toward zero into 1970.
 */
export function shown(c: Pick<DatasetColumn, 'type'>, v: number | null | undefined): string | number | null {
  if (v === null || v === undefined) return null;
  return c.type === 'timestamp' ? new Date(Math.floor(v)).toISOString().replace('.000Z', 'Z') : v;
}

/** A top value as the data commands print it: a timestamp without a fraction of zeros. */
export const topValueShown = (c: Pick<DatasetColumn, 'type'>, value: string): string => (c.type === 'timestamp' ? value.replace('.000Z', 'Z') : value);

/** A column's std as the data commands print it: a timestamp's in days. */
export function stdShown(c: Pick<DatasetColumn, 'type'>, std: number | null | undefined): string | number | null {
  if (std === null || std === undefined) return null;
  return c.type === 'timestamp' ? `${formatCell(std / 86_400_000)}d` : std;
}

/**
 * A string value as the data commands print it in a table (`data head`'s rows, `data show`'s top
 * values, `data diff`'s new and gone ones): quoted as JSON when the table would lose or hide part
 * of it (empty, whitespace at an edge, a line break or tab), so that `" "` is not taken for a
 * missing value, or when it starts with a quote (so that a quoted one is not taken for it); cut to
 * `n` characters (uncut by default).
 */
export function cellText(s: string, n = Infinity): string {
  return truncate(s === '' || s.trim() !== s || s.startsWith('"') || /[\x00-\x1f]/.test(s) ? JSON.stringify(s) : s, n);
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** One column in full, for `keel data show REF --column NAME`. */
export function printColumn(v: DatasetVersionDetail, c: DatasetColumn): void {
  const s = c.stats;
  const fmt = (x: number | null | undefined) => formatCell(shown(c, x)) || '-';
  const share = (n: number) => {
    const p = v.rows > 0 ? (100 * n) / v.rows : NaN;
    return Number.isNaN(p) ? '-' : p > 0 && p < 0.01 ? '<0.01 %' : `${p.toFixed(2)} %`;
  };
  printLine(`${v.name}@${v.version}  column ${c.name}: ${c.type}${c.nullable ? ', nullable' : ''}`);
  printLine(`count ${s.count}  missing ${s.missing} (${share(s.missing)})  distinct ${s.distinct}`);
  if (c.type !== 'string') {
    printLine(`min ${fmt(s.min)}  max ${fmt(s.max)}  mean ${fmt(s.mean)}  std ${formatCell(stdShown(c, s.std)) || '-'}`);
  }
  if (s.quantiles) printLine(`quantiles  ${Object.entries(s.quantiles).map(([k, q]) => `${k} ${fmt(q)}`).join('  ')}`);
  if (s.histogram) {
    printLine();
    printLine('histogram');
    const { edges, counts } = s.histogram;
    const most = Math.max(1, ...counts);
    printTable(
      counts.map((n, i) => ({
        from: fmt(edges[i]),
        to: fmt(edges[i + 1]),
        count: n,
        ' ': '█'.repeat(Math.round((n / most) * 40)) || (n > 0 ? '▏' : ''),
      })),
      ['from', 'to', 'count', ' '],
    );
  }
  if (s.top.length > 0) {
    printLine();
    printLine('top values');
    printTable(
      s.top.map((t) => ({ value: cellText(topValueShown(c, t.value)), count: t.count, share: share(t.count) })),
      ['value', 'count', 'share'],
    );
  }
}
