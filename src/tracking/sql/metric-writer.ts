import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../storage/index.js';
import type { MetricPoint } from '../types.js';

const COLUMNS = '(run_id, key, value, is_nan, timestamp, step)';
const ROWS_PER_STATEMENT = 1000;

/**
 * The hot path of metric ingestion: one multi-row INSERT per 1000 points, its SQL text built
 * once per (dialect, row count) and cached, so no per-point round trip and no query building per
 * batch. The latest value per key is upserted in the same transaction, keeping MLflow's rule
 * (highest step, then timestamp, then value).
 */
export class MetricWriter {
  private readonly insertSql = new Map<number, string>();
  private readonly upsertSql = new Map<number, string>();

  constructor(private readonly sqlite: boolean) {}

  private placeholders(rows: number, offset = 0): string {
    const out: string[] = [];
    for (let r = 0; r < rows; r++) {
      const base = offset + r * 6;
      out.push(this.sqlite ? '(?, ?, ?, ?, ?, ?)' : `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`);
    }
    return out.join(', ');
  }

  private insertText(rows: number): string {
    let text = this.insertSql.get(rows);
    if (text === undefined) {
      text = `INSERT INTO run_metrics ${COLUMNS} VALUES ${this.placeholders(rows)}`;
      this.insertSql.set(rows, text);
    }
    return text;
  }

  private upsertText(rows: number): string {
    let text = this.upsertSql.get(rows);
    if (text === undefined) {
      const t = 'run_latest_metrics';
      text =
        `INSERT INTO ${t} ${COLUMNS} VALUES ${this.placeholders(rows)} ` +
        `ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step ` +
        `WHERE excluded.step > ${t}.step OR (excluded.step = ${t}.step AND (excluded.timestamp > ${t}.timestamp ` +
        `OR (excluded.timestamp = ${t}.timestamp AND excluded.value > ${t}.value)))`;
      this.upsertSql.set(rows, text);
    }
    return text;
  }

  async write(trx: Kysely<Database>, runId: string, metrics: readonly MetricPoint[]): Promise<void> {
    for (let start = 0; start < metrics.length; start += ROWS_PER_STATEMENT) {
      const chunk = metrics.slice(start, start + ROWS_PER_STATEMENT);
      await trx.executeQuery(CompiledQuery.raw(this.insertText(chunk.length), flatten(runId, chunk)));
    }
    const latest = latestPerKey(metrics);
    await trx.executeQuery(CompiledQuery.raw(this.upsertText(latest.length), flatten(runId, latest)));
  }
}

function flatten(runId: string, points: readonly MetricPoint[]): unknown[] {
  const params = new Array<unknown>(points.length * 6);
  let i = 0;
  for (const p of points) {
    const nan = Number.isNaN(p.value);
    params[i++] = runId;
    params[i++] = p.key;
    params[i++] = nan ? null : p.value;
    params[i++] = nan ? 1 : 0;
    params[i++] = p.timestamp;
    params[i++] = p.step;
  }
  return params;
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
