import { sql, type Kysely } from 'kysely';
import { KeelError } from '../core/index.js';
import type { Database } from '../storage/index.js';
import { validateKey } from './limits.js';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';
import { toMetricPoint } from './row-mappers.js';
import { isSqlite } from './sql/write-transaction.js';
import type { MetricHistoryPage, MetricPoint, MetricPointWithRun } from './types.js';

/** Pages above this size are refused: MLflow's get-history page limit. */
const HISTORY_MAX_RESULTS = 25_000_000;
const BULK_MAX_RUNS = 100;
const BULK_DEFAULT_RESULTS = 320;
const BULK_MAX_RESULTS = 2500;

export class MetricHistory {
  private readonly sqlite: boolean;

  constructor(private readonly db: Kysely<Database>, private readonly ensureRun: (runId: string) => Promise<unknown>) {
    this.sqlite = isSqlite(db);
  }

  /**
   * The whole history as ONE JSON value built by the database and parsed natively here, instead
   * of 100,000 rows through the driver's per-row, per-column conversion (2-5x slower).
   */
  private async wholeHistory(runId: string, key: string): Promise<MetricPoint[]> {
    type Packed = [number | string | null, number, number, number][];
    let points: Packed;
    if (this.sqlite) {
      // SQLite writes ±Infinity as ±9e999, which JSON.parse reads back as ±Infinity.
      const row = await sql<{ j: string }>`SELECT json_group_array(json_array(value, is_nan, timestamp, step)) AS j FROM
        (SELECT value, is_nan, timestamp, step FROM run_metrics WHERE run_id = ${runId} AND key = ${key} ORDER BY step, timestamp)`.execute(this.db);
      points = JSON.parse(row.rows[0]?.j ?? '[]') as Packed;
    } else {
      const row = await this.db
        .selectFrom('run_metrics')
        .select(sql<Packed | null>`json_agg(json_build_array(value, is_nan, timestamp, step) ORDER BY step, timestamp)`.as('points'))
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      points = row?.points ?? [];
    }
    // PostgreSQL writes non-finite doubles as the strings "Infinity" / "-Infinity"; NaN is null with is_nan = 1.
    return points.map(([value, isNan, timestamp, step]) => ({ key, value: isNan ? Number.NaN : Number(value), timestamp: Number(timestamp), step: Number(step) }));
  }

  /**
   * Every point of one metric, ordered by step then timestamp. Without maxResults the whole
   * history comes back in one answer: MLflow's documented behaviour, which clients rely on
   * (MLflow 3.4–3.13 returned nothing and a page token that never advanced, #23916).
   */
  async history(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<MetricHistoryPage> {
    validateKey('metric_key', key);
    await this.ensureRun(runId);
    const offset = decodePageToken(options.pageToken);
    let q = this.db
      .selectFrom('run_metrics')
      .select(['key', 'value', 'is_nan', 'timestamp', 'step'])
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp');
    if (options.maxResults === undefined) {
      if (offset === 0) return { metrics: await this.wholeHistory(runId, key) };
      if (offset > 0) q = q.limit(HISTORY_MAX_RESULTS).offset(offset);
      return { metrics: (await q.execute()).map(toMetricPoint) };
    }
    const limit = checkMaxResults(options.maxResults, options.maxResults, HISTORY_MAX_RESULTS);
    const rows = await q.limit(limit + 1).offset(offset).execute();
    return {
      metrics: rows.slice(0, limit).map(toMetricPoint),
      ...(rows.length > limit ? { next_page_token: encodePageToken(offset + limit) } : {}),
    };
  }

  /**
   * get-history-bulk-interval: for each run, the points at up to maxResults steps spread evenly
   * over [startStep, endStep], always keeping the first and last step (the UI's downsampled charts).
   */
  async bulkInterval(input: { runIds: readonly string[]; key: string; startStep?: number; endStep?: number; maxResults?: number }): Promise<MetricPointWithRun[]> {
    validateKey('metric_key', input.key);
    if (input.runIds.length === 0) throw new KeelError('INVALID_ARGUMENT', "Missing value for required parameter 'run_ids'.", { field: 'run_ids' });
    if (input.runIds.length > BULK_MAX_RUNS) throw new KeelError('INVALID_ARGUMENT', `GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids. Received ${input.runIds.length} run_ids.`, { field: 'run_ids' });
    if ((input.startStep === undefined) !== (input.endStep === undefined)) throw new KeelError('INVALID_ARGUMENT', 'If either start step or end step are specified, both must be specified.', { field: 'start_step' });
    if (input.startStep !== undefined && input.endStep !== undefined && input.startStep > input.endStep) throw new KeelError('INVALID_ARGUMENT', 'end_step must be greater than start_step.', { field: 'end_step' });
    const max = checkMaxResults(input.maxResults, BULK_DEFAULT_RESULTS, BULK_MAX_RESULTS);
    const out: MetricPointWithRun[] = [];
    for (const runId of input.runIds) {
      await this.ensureRun(runId);
      let stepsQ = this.db.selectFrom('run_metrics').select('step').distinct().where('run_id', '=', runId).where('key', '=', input.key);
      if (input.startStep !== undefined) stepsQ = stepsQ.where('step', '>=', input.startStep).where('step', '<=', input.endStep!);
      const steps = (await stepsQ.orderBy('step').execute()).map((r) => Number(r.step));
      const chosen = sampleEvenly(steps, max);
      if (chosen.length === 0) continue;
      const rows = await this.db
        .selectFrom('run_metrics')
        .select(['key', 'value', 'is_nan', 'timestamp', 'step'])
        .where('run_id', '=', runId)
        .where('key', '=', input.key)
        .where('step', 'in', chosen)
        .orderBy('step')
        .orderBy('timestamp')
        .execute();
      for (const r of rows) out.push({ ...toMetricPoint(r), run_id: runId });
    }
    return out;
  }
}

/** Up to n of the sorted values, evenly spaced by index, always with the first and the last. */
export function sampleEvenly(sorted: readonly number[], n: number): number[] {
  if (sorted.length <= n) return [...sorted];
  if (n === 1) return [sorted[0]!];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (n - 1))]!);
  return [...new Set(out)];
}
