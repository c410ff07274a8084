/** The whole-file passes over high-cardinality columns: counts, moments, distinct counts, min, max and histograms. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from './duckdb-sql.js';
import { dbl, histogramAggregate, histogramQuery, histogramRange, readHistograms, type Range } from './histogram-sql.js';
import { isNumeric, momentScale, num, setHistograms, storedUnit, valueExpr, type Col, type Found, type MinMax } from './profile-found.js';

/**
 * Above EXACT_ROWS a high-cardinality column's distinct count is the exact distinct count of the
 * values whose hash falls in the lowest 1/HASH_SHARE of the hash range, times HASH_SHARE: about
 * 1/sqrt(distinct / HASH_SHARE) relative error (1.4 % at 80k distinct values, 0.4 % at 1M), and
 * cheaper than DuckDB's approx_count_distinct, which was 4-22 % off on the benchmark's columns.
 */
export const HASH_SHARE = 16;

/** How the high pass counts distinct values: exactly, by the hash share, or not at all (the whole-file sample does). */
export type DistinctCount = 'exact' | 'estimate' | 'sample';

/**
 * High-cardinality columns, one aggregate pass over the file: counts, moments, distinct counts
 * and, for numeric columns whose footer min and max the same pass confirms, the histograms.
 * Columns without (confirmed) footer statistics get their min and max from the pass (or one
 * after it) and their histograms from one more.
 */
export async function highPasses(con: DuckDBConnection, src: string, high: readonly Col[], distinctBy: DistinctCount, hints: ReadonlyMap<number, MinMax>, acc: Found[]): Promise<void> {
  if (high.length === 0) return;
  const exprs: string[] = [];
  const reads: ((v: unknown) => void)[] = [];
  const add = (sql: string, read: (v: unknown) => void) => {
    exprs.push(sql);
    reads.push(read);
  };
  // Numeric columns whose histogram needs a pass of its own: with min and max from this pass
  // (no footer statistics), or without them (the footer's were not the values' own).
  const later: Col[] = [];
  const unconfirmed: Col[] = [];
  for (const c of high) {
    const a = acc[c.i]!;
    const q = quoteIdent(c.name);
    add(`count(${q})`, (v) => (a.count = Number(v)));
    if (distinctBy === 'exact') add(`count(DISTINCT ${q})`, (v) => (a.distinct = Number(v)));
    else if (distinctBy === 'estimate') add(`count(DISTINCT ${q}) FILTER (WHERE hash(${q}) < ${(2n ** 64n / BigInt(HASH_SHARE)).toString()}::UBIGINT)`, (v) => (a.distinct = Number(v) * HASH_SHARE));
    if (!isNumeric(c.type)) continue;
    const x = valueExpr(c);
    const hint = hints.get(c.i);
    // In momentScale's units, from the footer's magnitudes (without them, unscaled: see docs/datasets.md).
    const scale = hint ? momentScale(Math.max(Math.abs(hint.min), Math.abs(hint.max))) : 1;
    const scaled = scale === 1 ? x : `(${x}) * ${dbl(scale)}`;
    add(`avg(${scaled})`, (v) => (a.mean = num(v) === null ? null : num(v)! / scale));
    add(`stddev_samp(${scaled})`, (v) => (a.std = num(v) === null ? null : num(v)! / scale));
    const hist = hint && histogramAggregate(x, hint.min, hint.max);
    if (hist) {
      add(hist.sql, (v) => {
        const histogram = hist.read(v);
        if (histogram) Object.assign(a, { min: hint.min, max: hint.max, histogram });
        else unconfirmed.push(c);
      });
      continue;
    }
    add(`min(${x})`, (v) => (a.min = num(v)));
    add(`max(${x})`, (v) => (a.max = num(v)));
    later.push(c);
  }
  const row = (await con.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${src}`)).getRows()[0]!;
  reads.forEach((f, k) => f(row[k]));
  if (unconfirmed.length > 0) {
    const mm = (await con.runAndReadAll(`SELECT ${unconfirmed.map((c) => `min(${valueExpr(c)}), max(${valueExpr(c)})`).join(', ')} FROM ${src}`)).getRows()[0]!;
    unconfirmed.forEach((c, k) => Object.assign(acc[c.i]!, { min: num(mm[2 * k]), max: num(mm[2 * k + 1]) }));
  }
  await histogramPass(con, src, [...later, ...unconfirmed], acc);
}

/** Histograms of columns whose min and max are known. */
async function histogramPass(con: DuckDBConnection, src: string, cols: readonly Col[], acc: Found[]): Promise<void> {
  const aggs: string[] = [];
  const reads: ((v: unknown) => void)[] = [];
  const ranges = new Map<number, Range>();
  const grouped: string[] = [];
  for (const c of cols) {
    const { min, max } = acc[c.i]!;
    if (min === null || min === undefined || max === null || max === undefined) continue;
    const x = valueExpr(c);
    const hist = histogramAggregate(x, min, max);
    if (hist) {
      aggs.push(hist.sql);
      reads.push((v) => {
        const h = hist.read(v);
        if (!h) throw new Error(`the histogram of column '${c.name}' does not find its min ${min} and max ${max}`);
        acc[c.i]!.histogram = h;
      });
      continue;
    }
    const range = histogramRange(min, max, storedUnit(c));
    ranges.set(c.i, range);
    grouped.push(histogramQuery(c.i, `${src} WHERE ${x} IS NOT NULL`, x, '1', range));
  }
  if (aggs.length > 0) {
    const row = (await con.runAndReadAll(`SELECT ${aggs.join(', ')} FROM ${src}`)).getRows()[0]!;
    reads.forEach((f, k) => f(row[k]));
  }
  if (grouped.length > 0) setHistograms(readHistograms((await con.runAndReadAll(grouped.join(' UNION ALL '))).getRows(), ranges), acc);
}
