import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { invalidArgument } from '../../core/index.js';
import { MAX_MODELS_PAGE } from '../../registry/index.js';
import type { ModelVersionInfo, RegisteredModelInfo, RegisterModelOptions, RegistryHistoryEntry, RegistryPage, RegistrySearch } from '../../client/index.js';
import { commandGroup } from '../command-group.js';
import type { CliContext, ContextFactory } from '../context.js';
import { printJson, printLine, printTable, tableTime } from '../output.js';
import { limitFlag } from '../option-values.js';
import { runCommand } from '../run-command.js';
import { readOnnxFile } from './models-inspect.js';

/** One face over the local RegistryService and the remote SDK, so every command works with --server. */
interface RegistryApi {
  list(o: RegistrySearch): Promise<RegistryPage<RegisteredModelInfo>>;
  getModel(name: string): Promise<RegisteredModelInfo>;
  versions(name: string): Promise<readonly ModelVersionInfo[]>;
  resolve(ref: string): Promise<ModelVersionInfo>;
  register(name: string, o: RegisterModelOptions): Promise<ModelVersionInfo>;
  setAlias(name: string, alias: string, version: number): Promise<ModelVersionInfo>;
  deleteAlias(name: string, alias: string): Promise<boolean>;
  stage(name: string, version: number, stage: string, archive: boolean): Promise<ModelVersionInfo>;
  history(name: string, o: { alias?: string; version?: number }): Promise<readonly RegistryHistoryEntry[]>;
}

/** Locally, moves are recorded under the OS user; a server records its authenticated principal. */
function osUser(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

async function api(ctx: CliContext): Promise<RegistryApi> {
  if (ctx.isRemote) {
    const r = ctx.client().registry;
    return {
      list: (o) => r.listModels(o),
      getModel: (n) => r.getModel(n),
      versions: async (n) => (await r.listVersions(n, { maxResults: 10_000 })).items,
      resolve: (ref) => r.resolve(ref),
      register: (n, o) => r.registerModel(n, o),
      setAlias: (n, a, v) => r.setAlias(n, a, v),
      deleteAlias: (n, a) => r.deleteAlias(n, a),
      stage: (n, v, s, archive) => r.transitionStage(n, v, s, { archiveExistingVersions: archive }),
      history: (n, o) => r.history(n, o),
    };
  }
  const s = (await ctx.platform()).registry;
  const actor = osUser();
  return {
    list: (o) => s.searchRegisteredModels(o),
    getModel: (n) => s.getRegisteredModel(n),
    versions: async (n) => {
      await s.getRegisteredModel(n);
      return (await s.searchModelVersions({ filter: `name = '${n.replace(/'/g, "''")}'`, orderBy: ['version_number DESC'], maxResults: 10_000 })).items;
    },
    resolve: (ref) => s.resolve(ref),
    register: (n, o) => {
      const source = o.onnx ? { onnx: o.onnx } : { runId: o.runId!, artifactPath: o.artifactPath! };
      return s.createModelVersion({ name: n, source, metrics: o.metrics, lineage: o.lineage, description: o.description, tags: o.tags, actor });
    },
    setAlias: (n, a, v) => s.setAlias(n, a, v, { actor }),
    deleteAlias: (n, a) => s.deleteAlias(n, a, { actor }),
    stage: (n, v, st, archive) => s.transitionStage(n, v, st, { archiveExistingVersions: archive, actor }),
    history: (n, o) => s.history(n, o),
  };
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function keyValues(pairs: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  (pairs ?? []).forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw invalidArgument(`${flag}[${i}]`, `expected key=value, got '${p}'`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  });
  return out;
}

function parseVersion(text: string, field: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw invalidArgument(field, `expected a version number, got '${text}'`);
  return Number(text);
}

const shape = (s: readonly number[]): string => `[${s.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;

function printVersion(v: ModelVersionInfo): void {
  printLine(`${v.name} version ${v.version}  stage ${v.stage}${v.aliases.length ? `  aliases ${v.aliases.map((a) => `@${a}`).join(' ')}` : ''}`);
  printLine(`created ${tableTime(v.createdAt)} by ${v.createdBy}; source ${v.source}`);
  if (v.description) printLine(`description: ${v.description}`);
  if (v.artifactSha256) printLine(`onnx: sha256 ${v.artifactSha256}`);
  const lineage = [v.lineage.runId ? `run ${v.lineage.runId}` : '', v.lineage.datasetVersions?.length ? `data ${v.lineage.datasetVersions.join(', ')}` : '', v.lineage.codeVersion ? `code ${v.lineage.codeVersion}` : ''].filter(Boolean);
  if (lineage.length) printLine(`lineage: ${lineage.join('; ')}`);
  const io = [...v.signature.inputs.map((t) => ({ io: 'input', ...t })), ...v.signature.outputs.map((t) => ({ io: 'output', ...t }))];
  if (io.length) {
    printLine();
    printTable(io.map((t) => ({ io: t.io, name: t.name, type: t.type, shape: shape(t.shape) })), ['io', 'name', 'type', 'shape']);
  }
  const metrics = Object.entries(v.metrics);
  if (metrics.length) {
    printLine();
    printTable(metrics.map(([metric, value]) => ({ metric, value })), ['metric', 'value']);
  }
  const tags = Object.entries(v.tags);
  if (tags.length) {
    printLine();
    printTable(tags.map(([tag, value]) => ({ tag, value })), ['tag', 'value']);
  }
}

/** `keel models ls|show|register|alias|stage|history` (the group is shared with `keel models inspect`). */
export function registerModelsCommands(program: Command, context: ContextFactory): void {
  const models = commandGroup(program, 'models', 'registered models and model files');

  models
    .command('ls')
    .description('list registered models with their newest version and aliases')
    .option('--filter <filter>', "MLflow filter, e.g. \"name LIKE 'fraud%'\"")
    .option('--limit <n>', 'at most this many models (default 100)')
    .option('--max <n>', 'alias of --limit')
    .action(runCommand(context, async (ctx, opts: { filter?: string; limit?: string; max?: string }) => {
      const maxResults = limitFlag(opts.limit, ['--max', opts.max], 100);
      // Checked here, naming the flag: the registry names its own parameter (max_results, or the route's maxResults).
      if (maxResults > MAX_MODELS_PAGE) throw invalidArgument(opts.max !== undefined ? '--max' : '--limit', `at most ${MAX_MODELS_PAGE}, got ${maxResults}`);
      const page = await (await api(ctx)).list({ filter: opts.filter, maxResults });
      if (ctx.json) return printJson(page);
      printTable(
        page.items.map((m) => ({
          name: m.name,
          latest: m.latestVersions.reduce((a, v) => Math.max(a, v.version), 0) || null,
          stages: m.latestVersions.filter((v) => v.stage !== 'None').map((v) => `${v.stage}:${v.version}`).join(' '),
          aliases: Object.entries(m.aliases).map(([a, v]) => `@${a}:${v}`).join(' '),
          updated: tableTime(m.updatedAt),
          description: m.description ?? '',
        })),
        ['name', 'latest', 'stages', 'aliases', 'updated', 'description'],
      );
      if (page.nextPageToken) printLine(`(more models: narrow with --filter or raise --limit)`);
    }));

  models
    .command('show <ref>')
    .description('show a model and its versions (NAME), or one version (NAME@ALIAS, NAME/VERSION, NAME/STAGE)')
    .action(runCommand(context, async (ctx, _opts: Record<string, never>, ref: string) => {
      const r = await api(ctx);
      if (ref.includes('@') || ref.includes('/')) {
        const v = await r.resolve(ref);
        return ctx.json ? printJson(v) : printVersion(v);
      }
      const [model, versions] = await Promise.all([r.getModel(ref), r.versions(ref)]);
      if (ctx.json) return printJson({ ...model, versions });
      printLine(`${model.name}${model.description ? ` — ${model.description}` : ''}`);
      const tags = Object.entries(model.tags).map(([k, v]) => `${k}=${v}`).join(' ');
      if (tags) printLine(`tags: ${tags}`);
      printLine();
      printTable(
        versions.map((v) => ({ version: v.version, stage: v.stage, aliases: v.aliases.map((a) => `@${a}`).join(' '), created: tableTime(v.createdAt), by: v.createdBy, run: v.runId ?? '', inputs: v.signature.inputs.length })),
        ['version', 'stage', 'aliases', 'created', 'by', 'run', 'inputs'],
      );
    }));

  models
    .command('register <name> [file]')
    .description('register FILE.onnx (or a run artifact with --run/--path) as the next version of NAME; the signature is read from the ONNX file')
    .option('--run <runId>', 'register the ONNX model a run logged')
    .option('--path <artifactPath>', 'the artifact path within the run (a .onnx file or an MLflow model directory)')
    .option('--description <text>', 'version description')
    .option('--tag <key=value>', 'version tag (repeatable)', collect)
    .option('--metric <key=value>', 'version metric (repeatable)', collect)
    .option('--dataset <ref>', 'dataset version the model was trained on (repeatable)', collect)
    .option('--code-version <commit>', 'the code version (e.g. git commit)')
    .action(runCommand(context, async (ctx, opts: { run?: string; path?: string; description?: string; tag?: string[]; metric?: string[]; dataset?: string[]; codeVersion?: string }, name: string, file: string | undefined) => {
      if ((file === undefined) === (opts.run === undefined)) throw invalidArgument('file', 'give either FILE.onnx or --run RUN_ID --path PATH');
      if (opts.run !== undefined && !opts.path) throw invalidArgument('--path', 'the artifact path within the run is required with --run');
      const onnx = file !== undefined ? await readOnnxFile(file) : undefined;
      const metrics = Object.fromEntries(Object.entries(keyValues(opts.metric, '--metric')).map(([k, v]) => {
        const n = Number(v);
        if (v.trim() === '' || Number.isNaN(n)) throw invalidArgument(`--metric ${k}`, `expected a number, got '${v}'`);
        return [k, n];
      }));
      const lineage = { ...(opts.dataset ? { datasetVersions: opts.dataset } : {}), ...(opts.codeVersion ? { codeVersion: opts.codeVersion } : {}) };
      const v = await (await api(ctx)).register(name, {
        ...(onnx ? { onnx } : { runId: opts.run, artifactPath: opts.path }),
        metrics, lineage, description: opts.description, tags: keyValues(opts.tag, '--tag'),
      });
      if (ctx.json) return printJson(v);
      printLine(`registered ${v.name} version ${v.version} (${v.signature.inputs.length} inputs, ${v.signature.outputs.length} outputs)`);
    }));

  models
    .command('alias <name> <alias> [version]')
    .description('point ALIAS at VERSION (moving it if it pointed elsewhere), or remove it with --delete')
    .option('--delete', 'remove the alias')
    .action(runCommand(context, async (ctx, opts: { delete?: boolean }, name: string, alias: string, version: string | undefined) => {
      const r = await api(ctx);
      if (opts.delete) {
        if (version !== undefined) throw invalidArgument('version', 'no version with --delete');
        const deleted = await r.deleteAlias(name, alias);
        return ctx.json ? printJson({ name, alias, deleted }) : printLine(deleted ? `removed ${name}@${alias}` : `${name}@${alias} did not exist`);
      }
      if (version === undefined) throw invalidArgument('version', 'a version is required (or --delete)');
      const v = await r.setAlias(name, alias, parseVersion(version, 'version'));
      if (ctx.json) return printJson(v);
      printLine(`${name}@${alias} -> version ${v.version}`);
    }));

  models
    .command('stage <name> <version> <stage>')
    .description('move a version to a stage: None, Staging, Production or Archived')
    .option('--archive-existing', 'archive the versions already in that stage (Staging or Production)')
    .action(runCommand(context, async (ctx, opts: { archiveExisting?: boolean }, name: string, version: string, stage: string) => {
      const v = await (await api(ctx)).stage(name, parseVersion(version, 'version'), stage, opts.archiveExisting === true);
      if (ctx.json) return printJson(v);
      printLine(`${name} version ${v.version} is now in ${v.stage}`);
    }));

  models
    .command('history <name>')
    .description('every alias and stage move of a model: who, when, from, to')
    .option('--alias <alias>', 'only the moves of this alias')
    .option('--version <version>', 'only moves that concern this version')
    .action(runCommand(context, async (ctx, opts: { alias?: string; version?: string }, name: string) => {
      const entries = await (await api(ctx)).history(name, { ...(opts.alias ? { alias: opts.alias } : {}), ...(opts.version ? { version: parseVersion(opts.version, '--version') } : {}) });
      if (ctx.json) return printJson(entries);
      printTable(
        entries.map((e) => ({ when: tableTime(e.at), what: e.kind === 'alias' ? `@${e.alias}` : 'stage', version: e.version, from: e.from ?? '-', to: e.to ?? '-', who: e.actor })),
        ['when', 'what', 'version', 'from', 'to', 'who'],
      );
    }));
}
