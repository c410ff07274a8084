import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../storage/index.js';
import type { MetricPoint } from '../types.js';

const COLUMNS = '(run_id, key, value, is_nan, timestamp, step)';

// The whole batch travels as ONE parameter (a JSON array on SQLite, column arrays on PostgreSQL),
// so each statement is short and fixed: no per-point round trip, no 6000-placeholder statement to
// parse per batch, no query building.
const SQLITE_ROWS = `SELECT ?, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4 FROM json_each(?) AS j`;
const PG_ROWS = `SELECT $1::varchar, * FROM unnest($2::varchar[], $3::float8[], $4::smallint[], $5::bigint[], $6::bigint[])`;

const latest = (t: string): string =>
  `ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step ` +
  `WHERE excluded.step > ${t}.step OR (excluded.step = ${t}.step AND (excluded.timestamp > ${t}.timestamp ` +
  `OR (excluded.timestamp = ${t}.timestamp AND excluded.value > ${t}.value)))`;

/**
 * The hot path of metric ingestion: one INSERT for the history and one upsert for the latest
 * value per key (MLflow's rule: highest step, then timestamp, then value), in the caller's
 * transaction.
 */
export class MetricWriter {
  constructor(private readonly sqlite: boolean) {}

  async write(trx: Kysely<Database>, runId: string, metrics: readonly MetricPoint[]): Promise<void> {
    const newest = latestPerKey(metrics);
    if (this.sqlite) {
      await trx.executeQuery(CompiledQuery.raw(`INSERT INTO run_metrics ${COLUMNS} ${SQLITE_ROWS}`, [runId, jsonRows(metrics)]));
      // "WHERE true" lets SQLite parse an upsert after INSERT ... SELECT.
      await trx.executeQuery(CompiledQuery.raw(`INSERT INTO run_latest_metrics ${COLUMNS} ${SQLITE_ROWS} WHERE true ${latest('run_latest_metrics')}`, [runId, jsonRows(newest)]));
    } else {
      await trx.executeQuery(CompiledQuery.raw(`INSERT INTO run_metrics ${COLUMNS} ${PG_ROWS}`, [runId, ...columnArrays(metrics)]));
      await trx.executeQuery(CompiledQuery.raw(`INSERT INTO run_latest_metrics ${COLUMNS} ${PG_ROWS} ${latest('run_latest_metrics')}`, [runId, ...columnArrays(newest)]));
    }
  }
}

/** `[[key, value, is_nan, timestamp, step], ...]`; NaN is null with is_nan = 1, ±Infinity overflow to ±9e999. */
export function jsonRows(points: readonly MetricPoint[]): string {
  const parts = new Array<string>(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const v = p.value;
    const value = Number.isNaN(v) ? 'null,1' : v === Number.POSITIVE_INFINITY ? '9e999,0' : v === Number.NEGATIVE_INFINITY ? '-9e999,0' : `${v},0`;
    parts[i] = `[${JSON.stringify(p.key)},${value},${p.timestamp},${p.step}]`;
  }
  return `[${parts.join(',')}]`;
}

function columnArrays(points: readonly MetricPoint[]): unknown[] {
  const n = points.length;
  const keys = new Array<string>(n);
  const values = new Array<number | null>(n);
  const nans = new Array<number>(n);
  const timestamps = new Array<number>(n);
  const steps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const nan = Number.isNaN(p.value);
    keys[i] = p.key;
    values[i] = nan ? null : p.value;
    nans[i] = nan ? 1 : 0;
    timestamps[i] = p.timestamp;
    steps[i] = p.step;
  }
  return [keys, values, nans, timestamps, steps];
}

/** MLflow's "latest": the highest step, then the highest timestamp, then the highest value. */
export function latestPerKey(points: readonly MetricPoint[]): MetricPoint[] {
  const best = new Map<string, MetricPoint>();
  for (const p of points) {
    const b = best.get(p.key);
    if (b === undefined || isLater(p, b)) best.set(p.key, p);
  }
  return [...best.values()];
}

function isLater(a: MetricPoint, b: MetricPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}
