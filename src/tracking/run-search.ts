import { sql, type Kysely } from 'kysely';
import { decodePageToken, encodePageToken, KeelError } from '../core/index.js';
import type { Database } from '../storage/index.js';
import { stagesOf, parseExperimentId } from './experiments.js';
import { compileRunComparison, runOrderExpression, RUN_FILTER_SCHEMA } from './filter/compile-run-filter.js';
import { parseFilter, parseOrderBy } from './filter/parse-filter.js';
import { LIMITS } from './limits.js';
import { checkMaxResults } from './max-results.js';
import { toRunInfo } from './row-mappers.js';
import type { Runs } from './runs.js';
import { isSqlite } from './sql/write-transaction.js';
import type { SearchRunsInput, SearchRunsResult } from './types.js';

/**
 * runs/search as one SQL query: the filter becomes WHERE conditions (correlated lookups on the
 * params, tags and latest-metrics primary keys), order_by becomes ORDER BY, and the page is
 * LIMIT/OFFSET. Only the page's runs are loaded, with their data in three more queries.
 */
export class RunSearch {
  private readonly sqlite: boolean;

  constructor(private readonly db: Kysely<Database>, private readonly runs: Runs) {
    this.sqlite = isSqlite(db);
  }

  private lastOptimize = 0;

  /**
   * SQLite plans well only with statistics (then it starts from the most selective filter's runs
   * instead of every run): refresh them, bounded, at most once every ten minutes. PostgreSQL's autovacuum
   * keeps its own.
   */
  private async refreshStatistics(): Promise<void> {
    if (!this.sqlite || Date.now() - this.lastOptimize < 600_000) return;
    this.lastOptimize = Date.now();
    await sql`PRAGMA analysis_limit = 1000`.execute(this.db);
    await sql`PRAGMA optimize = 0x10002`.execute(this.db);
  }

  async search(input: SearchRunsInput): Promise<SearchRunsResult> {
    if (!Array.isArray(input.experimentIds)) throw new KeelError('INVALID_ARGUMENT', "Missing value for required parameter 'experiment_ids'.", { field: 'experiment_ids' });
    const experimentIds = input.experimentIds.map((id, i) => parseExperimentId(id, `experiment_ids[${i}]`));
    const ast = parseFilter(input.filter, RUN_FILTER_SCHEMA);
    const order = (input.orderBy ?? []).map((o, i) => parseOrderBy(o, RUN_FILTER_SCHEMA, `order_by[${i}]`));
    const limit = checkMaxResults(input.maxResults, LIMITS.searchDefaultResults, LIMITS.searchMaxResults);
    const offset = decodePageToken(input.pageToken);
    if (experimentIds.length === 0) return { runs: [] };
    await this.refreshStatistics();

    let q = this.db
      .selectFrom('runs')
      .selectAll('runs')
      .where('runs.experiment_id', 'in', experimentIds)
      .where('runs.lifecycle_stage', 'in', stagesOf(input.runViewType));
    for (const c of ast) q = q.where((eb) => compileRunComparison(eb, c, this.sqlite));
    for (const o of order) {
      // Runs without the key sort last in either direction, as in MLflow.
      if (o.type !== 'attribute' || o.key === 'end_time') q = q.orderBy((eb) => sql`(${runOrderExpression(eb, o)}) IS NULL`);
      q = q.orderBy((eb) => runOrderExpression(eb, o), o.ascending ? 'asc' : 'desc');
    }
    // MLflow's default and tie-break order: newest first, then run id.
    if (!order.some((o) => o.type === 'attribute' && o.key === 'start_time')) q = q.orderBy('runs.start_time', 'desc');
    q = q.orderBy('runs.run_id', 'asc');
    const rows = await q.limit(limit + 1).offset(offset).execute();
    const page = rows.slice(0, limit);
    const data = await this.runs.dataOf(page.map((r) => r.run_id));
    return {
      runs: page.map((r) => ({ info: toRunInfo(r), data: data.get(r.run_id)! })),
      ...(rows.length > limit ? { next_page_token: encodePageToken(offset + limit) } : {}),
    };
  }
}
