import type { Kysely } from 'kysely';
import { invalidArgument, type LabelInput, type PredictionRecord, type StoredPrediction } from '../core/index.js';
import type { Database } from '../storage/index.js';

export type { LabelInput, StoredPrediction } from '../core/index.js';

/** A prediction as the logger received it: the record plus its arrival time. */
export interface LoggedPrediction {
  readonly record: PredictionRecord;
  readonly receivedAt: number;
}

/** Where buffered predictions go; the SQL store is the one real implementation. */
export interface PredictionSink {
  writeBatch(batch: readonly LoggedPrediction[]): Promise<void>;
}

// 11 bound values per row: 400 rows stays far below SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_INSERT = 400;

/** The SQL prediction log: predictions and late labels, on SQLite and PostgreSQL alike. */
export class PredictionStore implements PredictionSink {
  constructor(private readonly db: Kysely<Database>) {}

  /** Multi-row insert; a request id logged twice keeps its first record. */
  async writeBatch(batch: readonly LoggedPrediction[]): Promise<void> {
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
      const rows = batch.slice(i, i + ROWS_PER_INSERT).map(({ record: r, receivedAt }) => ({
        request_id: r.requestId,
        ts: Math.round(r.timestamp),
        received_at: Math.round(receivedAt),
        model_name: r.modelName,
        model_version: r.modelVersion,
        deployment: r.deployment,
        variant: r.variant,
        inputs_json: JSON.stringify(r.inputs),
        outputs_json: JSON.stringify(r.outputs),
        latency_ms: Number.isFinite(r.latencyMs) ? r.latencyMs : 0,
        error: r.error ?? null,
      }));
      await this.db.insertInto('predictions').values(rows).onConflict((oc) => oc.column('request_id').doNothing()).execute();
    }
  }

  /**
   * Stores labels by request id (a later label for the same id replaces the earlier one). Returns
   * how many matched a logged prediction; labels for unknown ids are kept too, since the
   * prediction may still be in a logger's buffer.
   */
  async addLabels(labels: readonly LabelInput[], now = Date.now()): Promise<{ stored: number; matched: number }> {
    labels.forEach((l, i) => {
      if (typeof l.requestId !== 'string' || l.requestId.length === 0 || l.requestId.length > 128) throw invalidArgument(`labels[${i}].requestId`, 'expected a non-empty string of at most 128 characters');
      if (l.label === undefined) throw invalidArgument(`labels[${i}].label`, 'missing');
      if (l.timestamp !== undefined && !Number.isFinite(l.timestamp)) throw invalidArgument(`labels[${i}].timestamp`, 'expected epoch milliseconds');
    });
    if (labels.length === 0) return { stored: 0, matched: 0 };
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < labels.length; i += ROWS_PER_INSERT) {
        const rows = labels.slice(i, i + ROWS_PER_INSERT).map((l) => ({ request_id: l.requestId, label_json: JSON.stringify(l.label), ts: Math.round(l.timestamp ?? now) }));
        await tx
          .insertInto('prediction_labels')
          .values(rows)
          .onConflict((oc) => oc.column('request_id').doUpdateSet((eb) => ({ label_json: eb.ref('excluded.label_json'), ts: eb.ref('excluded.ts') })))
          .execute();
      }
    });
    let matched = 0;
    const ids = [...new Set(labels.map((l) => l.requestId))];
    for (let i = 0; i < ids.length; i += ROWS_PER_INSERT) {
      const r = await this.db.selectFrom('predictions').select((eb) => eb.fn.countAll<number>().as('n')).where('request_id', 'in', ids.slice(i, i + ROWS_PER_INSERT)).executeTakeFirst();
      matched += Number(r?.n ?? 0);
    }
    return { stored: labels.length, matched };
  }

  async get(requestId: string): Promise<StoredPrediction | undefined> {
    const rows = await this.query({ requestId });
    return rows[0];
  }

  /** Predictions (with their labels, joined in SQL) by deployment and event-time range, oldest first. */
  async query(q: { deployment?: string; requestId?: string; from?: number; to?: number; receivedBy?: number; labeledOnly?: boolean; labeledAfter?: number; labelCursor?: { ts: number; requestId: string }; limit?: number }): Promise<StoredPrediction[]> {
    let sel = this.db
      .selectFrom('predictions as p')
      .leftJoin('prediction_labels as l', 'l.request_id', 'p.request_id')
      .selectAll('p')
      .select(['l.label_json', 'l.ts as label_ts']);
    if (q.deployment !== undefined) sel = sel.where('p.deployment', '=', q.deployment);
    if (q.requestId !== undefined) sel = sel.where('p.request_id', '=', q.requestId);
    if (q.from !== undefined) sel = sel.where('p.ts', '>=', q.from);
    if (q.to !== undefined) sel = sel.where('p.ts', '<', q.to);
    if (q.receivedBy !== undefined) sel = sel.where('p.received_at', '<=', q.receivedBy);
    if (q.labeledOnly) sel = sel.where('l.label_json', 'is not', null);
    if (q.labeledAfter !== undefined) sel = sel.where('l.ts', '>', q.labeledAfter);
    // Labels after a (time, request id) position, in that order: a consumer reading in pages
    // neither skips nor repeats labels that share a timestamp.
    const cursor = q.labelCursor;
    if (cursor) sel = sel.where((eb) => eb.or([eb('l.ts', '>', cursor.ts), eb.and([eb('l.ts', '=', cursor.ts), eb('p.request_id', '>', cursor.requestId)])]));
    sel = q.labeledAfter !== undefined || cursor ? sel.orderBy('l.ts').orderBy('p.request_id') : sel.orderBy('p.ts').orderBy('p.request_id');
    if (q.limit !== undefined) sel = sel.limit(q.limit);
    const rows = await sel.execute();
    return rows.map((r) => ({
      requestId: r.request_id,
      timestamp: r.ts,
      receivedAt: r.received_at,
      modelName: r.model_name,
      modelVersion: r.model_version,
      deployment: r.deployment,
      variant: r.variant,
      inputs: JSON.parse(r.inputs_json) as Record<string, unknown>,
      outputs: JSON.parse(r.outputs_json) as Record<string, unknown>,
      latencyMs: r.latency_ms,
      ...(r.error !== null ? { error: r.error } : {}),
      ...(r.label_json !== null && r.label_json !== undefined ? { label: JSON.parse(r.label_json) as unknown, labeledAt: r.label_ts ?? undefined } : {}),
    }));
  }

  /** Records whose event time is in [from, to) but that arrived after `receivedAfter`. */
  async countLate(deployment: string, from: number, to: number, receivedAfter: number): Promise<number> {
    const r = await this.db
      .selectFrom('predictions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deployment', '=', deployment)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .where('received_at', '>', receivedAfter)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Labeled records in [from, to) that arrived in time for the window. */
  async countLabeled(deployment: string, from: number, to: number, receivedBy: number): Promise<number> {
    const r = await this.db
      .selectFrom('predictions as p')
      .innerJoin('prediction_labels as l', 'l.request_id', 'p.request_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.deployment', '=', deployment)
      .where('p.ts', '>=', from)
      .where('p.ts', '<', to)
      .where('p.received_at', '<=', receivedBy)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /**
   * Retention: deletes predictions with event time before `before` (and their labels), in
   * batches so that a large prune does not hold one long write lock. Returns how many went.
   */
  async prune(before: number, deployment?: string): Promise<number> {
    let total = 0;
    for (;;) {
      let q = this.db.selectFrom('predictions').select('request_id').where('ts', '<', before).limit(ROWS_PER_INSERT);
      if (deployment !== undefined) q = q.where('deployment', '=', deployment);
      const ids = (await q.execute()).map((r) => r.request_id);
      if (ids.length === 0) return total;
      await this.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('prediction_labels').where('request_id', 'in', ids).execute();
        await tx.deleteFrom('predictions').where('request_id', 'in', ids).execute();
      });
      total += ids.length;
    }
  }

  /** The deployments that have logged a prediction, by name. */
  async deployments(): Promise<string[]> {
    const rows = await this.db.selectFrom('predictions').select('deployment').distinct().where('deployment', 'is not', null).orderBy('deployment').execute();
    return rows.map((r) => r.deployment!);
  }

  async firstEventTime(deployment: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('predictions').select((eb) => eb.fn.min<number>('ts').as('t')).where('deployment', '=', deployment).executeTakeFirst();
    return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
  }
}
