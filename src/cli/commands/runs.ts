import type { Command } from 'commander';
import type { FileInfo, Run } from '../../core/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { formatBytes, printJson, printLine, printTable, tableTime } from '../output.js';
import { limitFlag } from '../option-values.js';
import { runCommand } from '../run-command.js';

/** What the commands need, served by the local TrackingService or a remote server's SDK alike. */
type RunView = Run;
type ArtifactView = FileInfo;

interface ExperimentView {
  readonly experiment_id: string;
  readonly name: string;
  readonly lifecycle_stage: string;
}

interface RunsBackend {
  /** The experiment named, or every active one: one call, whose names also label the table. */
  experiments(name?: string): Promise<readonly ExperimentView[]>;
  experiment(id: string): Promise<ExperimentView>;
  search(input: { experimentIds: string[]; filter?: string; orderBy?: string[]; maxResults?: number }): Promise<readonly RunView[]>;
  get(runId: string): Promise<RunView>;
  /** The run's artifacts under `path` (the root by default), directories unexpanded (MLflow's `artifacts/list`). */
  artifacts(runId: string, path?: string): Promise<readonly ArtifactView[]>;
}

async function backendOf(ctx: CliContext): Promise<RunsBackend> {
  if (ctx.isRemote) {
    const t = ctx.client().tracking;
    return {
      experiments: async (name) => (name ? [await t.getExperimentByName(name)] : t.searchExperiments()),
      experiment: (id) => t.getExperiment(id),
      search: async (i) => (await t.searchRuns(i)).runs,
      get: (id) => t.getRun(id),
      artifacts: (id, path) => t.listArtifacts(id, path),
    };
  }
  const t = (await ctx.platform()).tracking;
  return {
    experiments: async (name) => (name ? [await t.getExperimentByName(name)] : (await t.searchExperiments({ maxResults: 50_000 })).experiments),
    experiment: (id) => t.getExperiment(id),
    search: async (i) => (await t.searchRuns(i)).runs,
    get: (id) => t.getRun(id),
    artifacts: (id, path) => t.listArtifacts(id, path),
  };
}

/** How many artifacts `runs show` lists at the most: a run that logged thousands of files is listed in part, and says so. */
const MAX_ARTIFACTS = 1000;

/**
 * Every artifact of a run, each directory followed by what it holds (depth first, as a tree
 * reads), up to MAX_ARTIFACTS entries; `more` when some were left out.
 */
async function allArtifacts(b: RunsBackend, runId: string): Promise<{ files: ArtifactView[]; more: boolean }> {
  const files: ArtifactView[] = [];
  const walk = async (path?: string): Promise<boolean> => {
    for (const f of await b.artifacts(runId, path)) {
      if (files.length >= MAX_ARTIFACTS) return true;
      files.push(f);
      if (f.is_dir && (await walk(f.path))) return true;
    }
    return false;
  };
  return { files, more: await walk() };
}

const iso = (ms: number | undefined): string => (ms === undefined ? '' : tableTime(ms));
const duration = (r: RunView): string => (r.info.end_time === undefined ? '' : `${((r.info.end_time - r.info.start_time) / 1000).toFixed(1)}s`);
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerRunsCommands(program: Command, context: ContextFactory): void {
  const runs = program.command('runs').description('experiment tracking runs: list, show, compare (MLflow-compatible store)');

  runs
    .command('ls')
    .description('list runs, filtered with MLflow\'s filter language (e.g. "metrics.rmse < 0.8 and params.model = \'gbdt\'")')
    .option('--experiment <name>', 'only this experiment (default: every active experiment)')
    .option('--filter <filter>', 'MLflow search filter')
    .option('--order-by <clause>', 'e.g. "metrics.rmse ASC" (repeatable)', collect)
    .option('--limit <n>', 'at most this many runs (default 100)')
    .option('--max-results <n>', 'alias of --limit')
    .action(runCommand(context, async (ctx, opts: { experiment?: string; filter?: string; orderBy?: string[]; limit?: string; maxResults?: string }) => {
      const b = await backendOf(ctx);
      const experiments = await b.experiments(opts.experiment);
      const found = await b.search({
        experimentIds: experiments.map((e) => e.experiment_id),
        ...(opts.filter ? { filter: opts.filter } : {}),
        ...(opts.orderBy ? { orderBy: opts.orderBy } : {}),
        maxResults: limitFlag(opts.limit, ['--max-results', opts.maxResults], 100),
      });
      if (ctx.json) return printJson(found);
      // A deleted experiment's name is free for a new one to take, so its runs show its id.
      const names = new Map(experiments.filter((e) => e.lifecycle_stage === 'active').map((e) => [e.experiment_id, e.name]));
      const metricKeys = [...new Set(found.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort().slice(0, 4);
      printTable(
        found.map((r) => ({
          run_id: r.info.run_id,
          name: r.info.run_name,
          experiment: names.get(r.info.experiment_id) ?? r.info.experiment_id,
          status: r.info.status,
          started: iso(r.info.start_time),
          duration: duration(r),
          ...Object.fromEntries(metricKeys.map((k) => [k, r.data.metrics.find((m) => m.key === k)?.value])),
        })),
        ['run_id', 'name', 'experiment', 'status', 'started', 'duration', ...metricKeys],
      );
    }));

  runs
    .command('show <runId>')
    .description('a run\'s info, params, latest metrics, tags and artifacts (the paths `models register --run --path` takes)')
    .action(runCommand(context, async (ctx, _opts: unknown, runId: string) => {
      const b = await backendOf(ctx);
      // The run first, so that an unknown run is reported as runs/get reports it.
      const run = await b.get(runId);
      const { files: artifacts, more } = await allArtifacts(b, runId);
      if (ctx.json) return printJson({ ...run, artifacts, ...(more ? { artifactsTruncated: true } : {}) });
      const i = run.info;
      // Named as runs ls names it: a deleted experiment (its name free for another) by its id.
      const experiment = await b.experiment(i.experiment_id);
      const experimentLabel = experiment.lifecycle_stage === 'active' ? experiment.name : i.experiment_id;
      printLine(`run ${i.run_id}  ${i.run_name}  (experiment ${experimentLabel}, ${i.status}, ${i.lifecycle_stage})`);
      printLine(`started ${iso(i.start_time)}${i.end_time ? `  ended ${iso(i.end_time)} (${duration(run)})` : ''}  user ${i.user_id || '-'}`);
      for (const [title, rows] of [
        ['params', run.data.params.map(({ key, value }) => ({ key, value }))],
        ['metrics', run.data.metrics.map((m) => ({ key: m.key, value: m.value, step: m.step }))],
        ['tags', run.data.tags.map(({ key, value }) => ({ key, value }))],
        // A directory as `model/`, without a size, as MLflow lists it: its path is what `--path` takes.
        [`artifacts (${i.artifact_uri})`, artifacts.map((f) => ({ path: f.is_dir ? `${f.path}/` : f.path, size: f.file_size === undefined ? '' : formatBytes(f.file_size) }))],
      ] as const) {
        printLine(`\n${title}:`);
        if (rows.length) printTable(rows);
      }
      if (more) printLine(`(the first ${MAX_ARTIFACTS} artifacts only)`);
    }));

  runs
    .command('compare <runIds...>')
    .description('params and metrics of several runs side by side')
    .action(runCommand(context, async (ctx, _opts: unknown, runIds: string[]) => {
      const b = await backendOf(ctx);
      const list = await Promise.all(runIds.map((id) => b.get(id)));
      const rows: Record<string, unknown>[] = [];
      const side = (kind: 'param' | 'metric', keys: string[], value: (r: RunView, k: string) => unknown) => {
        for (const key of keys) rows.push({ kind, key, ...Object.fromEntries(list.map((r) => [r.info.run_id.slice(0, 8), value(r, key)])) });
      };
      side('param', [...new Set(list.flatMap((r) => r.data.params.map((p) => p.key)))].sort(), (r, k) => r.data.params.find((p) => p.key === k)?.value);
      side('metric', [...new Set(list.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort(), (r, k) => r.data.metrics.find((m) => m.key === k)?.value);
      if (ctx.json) {
        return printJson({
          runs: list.map((r) => ({ run_id: r.info.run_id, run_name: r.info.run_name })),
          params: Object.fromEntries(rows.filter((r) => r.kind === 'param').map((r) => [r.key, list.map((x) => x.data.params.find((p) => p.key === r.key)?.value ?? null)])),
          metrics: Object.fromEntries(rows.filter((r) => r.kind === 'metric').map((r) => [r.key, list.map((x) => x.data.metrics.find((m) => m.key === r.key)?.value ?? null)])),
        });
      }
      printLine(list.map((r) => `${r.info.run_id.slice(0, 8)} = ${r.info.run_name}`).join('   '));
      printTable(rows, ['kind', 'key', ...list.map((r) => r.info.run_id.slice(0, 8))]);
    }));
}
