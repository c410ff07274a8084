import { PostgresAdapter } from 'kysely';
import { decodePageToken, encodePageToken, invalidArgument, isKeelError, KeelError } from '../core/index.js';
import { isUniqueViolation, withBlobClaims } from '../storage/index.js';
import { checkLineage, pinLineageDatasets } from './lineage.js';
import { checkMaxResults, parseOrderBy } from './paging.js';
import { RegistryStore, MODEL_ORDER_COLUMNS, VERSION_ORDER_COLUMNS, versionKey } from './registry-store.js';
import { metricsToJson, versionFromRow, type VersionRow } from './rows.js';
import { parseSearchFilter } from './search-filter.js';
import { resolveMlflowSource, resolveSdkSource, type ResolvedSource } from './version-source.js';
import {
  checkActor, checkDescription, checkMetrics, checkModelName, checkSignature, checkStage, checkTagKey, checkTagValue, checkTags, modelNotFound,
} from './validate.js';
import { STAGES } from './types.js';
import type {
  CreateModelVersionFromUriInput, CreateModelVersionInput, ModelLineage, ModelStage, ModelVersion, Page, RegisteredModel,
  RegistryServiceDeps, SearchOptions,
} from './types.js';
import { RegistryMoves } from './registry-moves.js';

const EMPTY_SIGNATURE = { inputs: [], outputs: [] };

/** The most registered models, and model versions, one search answers (the routes' /docs and keel models ls say them). */
export const MAX_MODELS_PAGE = 1000, MAX_VERSIONS_PAGE = 200_000;

/**
 * The model registry: registered models and auto-numbered versions of ONNX models with their
 * signature, metrics and lineage; aliases and stages, every move of which is kept in a history.
 * Serving and batch inference call `resolve('name@alias')`, and poll it to follow alias moves.
 */
export class RegistryService extends RegistryMoves {
  /** ONNX blobs whose hash this process has checked (see onnxPath). */
  private readonly verified = new Set<string>();

  constructor(readonly deps: RegistryServiceDeps) {
    super(new RegistryStore(deps.db, deps.db.getExecutor().adapter instanceof PostgresAdapter));
  }

  async createRegisteredModel(name: string, options: { description?: string; tags?: Readonly<Record<string, string>> } = {}): Promise<RegisteredModel> {
    checkModelName(name);
    const description = checkDescription(options.description);
    const tags = checkTags(options.tags);
    const now = Date.now();
    await this.store.transaction(async (s) => {
      await s.insertModel({ name, description, created_at: now, updated_at: now });
      for (const [k, v] of Object.entries(tags)) await s.setModelTag(name, k, v);
    });
    return this.getRegisteredModel(name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    checkModelName(name);
    const row = await this.store.getModel(name);
    if (!row) throw modelNotFound(name);
    return (await this.hydrateModels([row]))[0]!;
  }

  /** MLflow's search: `name LIKE 'x%'`, `name = 'x'`, `tags.k = 'v'`; order by name or timestamps. */
  async searchRegisteredModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const clauses = parseSearchFilter(options.filter, ['name']);
    const order = parseOrderBy(options.orderBy, MODEL_ORDER_COLUMNS);
    const max = checkMaxResults(options.maxResults, 100, MAX_MODELS_PAGE);
    const offset = decodePageToken(options.pageToken);
    const rows = await this.store.searchModels(clauses, order, max + 1, offset);
    const items = await this.hydrateModels(rows.slice(0, max));
    return rows.length > max ? { items, nextPageToken: encodePageToken(offset + max) } : { items };
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    checkModelName(name);
    checkModelName(newName, 'new_name');
    await this.store.transaction(async (s) => {
      if (!(await s.getModel(name))) throw modelNotFound(name);
      await s.renameModel(name, newName, Date.now());
    });
    return this.getRegisteredModel(newName);
  }

  async updateRegisteredModel(name: string, patch: { description?: string }): Promise<RegisteredModel> {
    await this.requireModel(name);
    await this.store.updateModel(name, { description: checkDescription(patch.description), updated_at: Date.now() });
    return this.getRegisteredModel(name);
  }

  /** Deletes the model with its versions, tags and aliases (alias removals are recorded). */
  async deleteRegisteredModel(name: string, options: { actor?: string } = {}): Promise<void> {
    const actor = checkActor(options.actor);
    await this.store.transaction(async (s) => {
      if (!(await s.getModel(name))) throw modelNotFound(name);
      const at = Date.now();
      for (const [alias, version] of Object.entries((await s.aliasesOf([name])).get(name) ?? {})) {
        await s.addHistory({ kind: 'alias', model: name, alias, version, from: version, to: null, actor, at });
      }
      await s.deleteModel(name);
    });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    checkTagKey(key);
    checkTagValue(value);
    await this.requireModel(name);
    await this.store.setModelTag(name, key, value);
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    checkTagKey(key);
    await this.requireModel(name);
    if ((await this.store.deleteModelTag(name, key)) === 0) throw new KeelError('NOT_FOUND', `Registered model tag with name=${name}, key=${key} not found`, { field: 'key' });
  }

  /** The newest version in each of `stages` (default: every stage that has one). */
  async getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
    const wanted = stages && stages.length > 0 ? stages.map((s, i) => checkStage(s, `stages[${i}]`)) : [...STAGES];
    await this.requireModel(name);
    const rows = (await this.store.latestPerStage([name])).filter((r) => wanted.includes(r.stage as ModelStage));
    rows.sort((a, b) => wanted.indexOf(a.stage as ModelStage) - wanted.indexOf(b.stage as ModelStage));
    return this.hydrateVersions(rows);
  }

  /**
   * Registers an ONNX model as the next version of `name`, creating the registered model when it
   * does not exist yet (an SDK convenience; the MLflow endpoint keeps MLflow's behaviour).
   */
  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    checkModelName(input.name);
    const fields = this.versionFields(input);
    const signature = input.signature === undefined ? undefined : checkSignature(input.signature);
    const given = await pinLineageDatasets(checkLineage(input.lineage), this.deps.datasets);
    // The source's blob is claimed until the version that names it commits, so that `keel gc` does not take it in between.
    return withBlobClaims(this.deps.artifacts.notesDir, async (claim) => {
      const fromSource = await resolveSdkSource(input.source, this.deps.artifacts, this.deps.tracking, claim);
      // A version made from ONNX bytes by a run (keel train) names that run in lineage; it is the
      // version's run too, so MLflow clients see run_id on it.
      const resolved: ResolvedSource = { ...fromSource, runId: fromSource.runId ?? given.runId ?? null };
      const run = await this.runFacts(resolved.runId);
      const lineage: ModelLineage = { ...run.lineage, ...(resolved.runId ? { runId: resolved.runId } : {}), ...given };
      // The run's metrics stand in only when the caller gives none (a caller's own set is kept as given).
      const metrics = Object.keys(fields.metrics).length > 0 ? fields.metrics : run.metrics;
      return this.insertVersion(input.name, { ...fields, metrics, resolved, signature: signature ?? resolved.signature ?? EMPTY_SIGNATURE, lineage }, true);
    });
  }

  /** MLflow's create-model-version: the registered model must exist; any source URI is accepted. */
  async createModelVersionFromUri(input: CreateModelVersionFromUriInput): Promise<ModelVersion> {
    checkModelName(input.name);
    const fields = this.versionFields(input);
    if (input.runId !== undefined && (typeof input.runId !== 'string' || input.runId.length > 64)) throw invalidArgument('run_id', 'expected a run id');
    await this.requireModel(input.name);
    const from = typeof input.source === 'string' && input.source.startsWith('models:/') ? await this.resolveIfRegistered(input.source) : undefined;
    const resolved: ResolvedSource = from
      ? { artifact: from.artifactSha256 ? { sha256: from.artifactSha256, size: 0 } : null, signature: from.signature, source: input.source, runId: input.runId ?? from.runId }
      : await resolveMlflowSource(input.source, input.runId, this.deps.artifacts, this.deps.tracking);
    const run = await this.runFacts(resolved.runId);
    const lineage: ModelLineage = { ...run.lineage, ...(resolved.runId ? { runId: resolved.runId } : {}) };
    return this.insertVersion(input.name, { ...fields, metrics: run.metrics, resolved, signature: resolved.signature ?? EMPTY_SIGNATURE, lineage }, false);
  }

  /** `models:/name/3` copies a registered version; other `models:/` URIs (MLflow 3 logged models) stay opaque. */
  private async resolveIfRegistered(uri: string): Promise<ModelVersion | undefined> {
    try {
      return await this.resolve(uri);
    } catch (e) {
      if (isKeelError(e) && (e.code === 'NOT_FOUND' || e.code === 'INVALID_ARGUMENT')) return undefined;
      throw e;
    }
  }

  /** What the run a version came from tells about it: its latest metrics and source commit. */
  private async runFacts(runId: string | null): Promise<{ metrics: Record<string, number>; lineage: ModelLineage }> {
    const tracking = this.deps.tracking;
    if (runId === null || !tracking?.getRun) return { metrics: {}, lineage: {} };
    try {
      const { data } = await tracking.getRun(runId);
      const commit = data.tags.find((t) => t.key === 'mlflow.source.git.commit')?.value;
      return { metrics: Object.fromEntries(data.metrics.map((m) => [m.key, m.value])), lineage: commit ? { codeVersion: commit } : {} };
    } catch (e) {
      // A run on another tracking server (MLflow allows it) is not an error for the registry.
      if (isKeelError(e) && (e.code === 'NOT_FOUND' || e.code === 'INVALID_ARGUMENT')) return { metrics: {}, lineage: {} };
      throw e;
    }
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion> {
    const row = await this.requireVersion(name, version);
    return (await this.hydrateVersions([row]))[0]!;
  }

  /** MLflow's search: `name = 'x'`, `run_id = '...'`, `run_id IN (...)`, `version_number > 2`, `tags.k = 'v'`. */
  async searchModelVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const clauses = parseSearchFilter(options.filter, ['name', 'run_id', 'source_path', 'version_number', 'current_stage']);
    const order = parseOrderBy(options.orderBy, VERSION_ORDER_COLUMNS);
    const max = checkMaxResults(options.maxResults, 10_000, MAX_VERSIONS_PAGE);
    const offset = decodePageToken(options.pageToken);
    const rows = await this.store.searchVersions(clauses, order.length > 0 ? order : [{ column: 'updated_at', desc: true }], max + 1, offset);
    const items = await this.hydrateVersions(rows.slice(0, max));
    return rows.length > max ? { items, nextPageToken: encodePageToken(offset + max) } : { items };
  }

  async updateModelVersion(name: string, version: number, patch: { description?: string }): Promise<ModelVersion> {
    await this.requireVersion(name, version);
    await this.store.updateVersion(name, version, { description: checkDescription(patch.description), updated_at: Date.now() });
    return this.getModelVersion(name, version);
  }

  async setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    checkTagKey(key);
    checkTagValue(value);
    await this.requireVersion(name, version);
    await this.store.setVersionTag(name, version, key, value);
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    checkTagKey(key);
    await this.requireVersion(name, version);
    if ((await this.store.deleteVersionTag(name, version, key)) === 0) {
      throw new KeelError('NOT_FOUND', `Model version tag with name=${name}, version=${version}, key=${key} not found`, { field: 'key' });
    }
  }

  async onnxBytes(mv: Pick<ModelVersion, 'name' | 'version' | 'artifactSha256'>): Promise<Uint8Array> {
    return this.deps.artifacts.get(this.requireArtifact(mv));
  }

  /**
   * The ONNX file's path in the artifact store, for onnxruntime. Its hash is checked the first time
   * this process asks for it (serving polls this, so re-hashing a large model every poll is avoided).
   */
  async onnxPath(mv: Pick<ModelVersion, 'name' | 'version' | 'artifactSha256'>): Promise<string> {
    const sha = this.requireArtifact(mv);
    const path = await this.deps.artifacts.pathOf(sha, { verify: !this.verified.has(sha) });
    this.verified.add(sha);
    return path;
  }

  private requireArtifact(mv: Pick<ModelVersion, 'name' | 'version' | 'artifactSha256'>): string {
    if (!mv.artifactSha256) throw new KeelError('FAILED_PRECONDITION', `model version ${mv.name}/${mv.version} has no ONNX model (its source is not an ONNX file)`, { field: 'source' });
    return mv.artifactSha256;
  }

  private versionFields(input: { description?: unknown; tags?: unknown; actor?: string; metrics?: unknown }) {
    return { description: checkDescription(input.description), tags: checkTags(input.tags), actor: checkActor(input.actor), metrics: checkMetrics(input.metrics) };
  }

  /** Next number = max + 1 (tombstones included), retried when a concurrent writer took it. */
  private async insertVersion(
    name: string,
    v: { description: string | null; tags: Record<string, string>; actor: string; metrics: Record<string, number>; resolved: ResolvedSource; signature: ModelVersion['signature']; lineage: ModelLineage },
    createModel: boolean,
  ): Promise<ModelVersion> {
    for (let attempt = 0; ; attempt++) {
      try {
        const version = await this.store.transaction(async (s) => {
          const now = Date.now();
          if (createModel && !(await s.getModel(name))) await s.insertModel({ name, description: null, created_at: now, updated_at: now });
          const number = await s.nextVersion(name);
          const row: VersionRow = {
            model_name: name, version: number, source: v.resolved.source, run_id: v.resolved.runId,
            artifact_sha256: v.resolved.artifact?.sha256 ?? null, artifact_size: v.resolved.artifact?.size ?? null,
            signature_json: JSON.stringify(v.signature), metrics_json: metricsToJson(v.metrics), lineage_json: JSON.stringify(v.lineage),
            description: v.description, stage: 'None', status: 'READY', created_by: v.actor, created_at: now, updated_at: now, deleted: 0,
          };
          await s.insertVersion(row);
          for (const [k, val] of Object.entries(v.tags)) await s.setVersionTag(name, number, k, val);
          await s.updateModel(name, { updated_at: now });
          return number;
        });
        return this.getModelVersion(name, version);
      } catch (e) {
        // A concurrent writer took the number (or created the model first): take the next one.
        const busy = (e as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
        const raced = isUniqueViolation(e) || (isKeelError(e) && e.code === 'ALREADY_EXISTS');
        if (attempt >= 20 || !(busy || raced)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
      }
    }
  }

  private async hydrateModels(rows: readonly { name: string; description: string | null; created_at: number; updated_at: number }[]): Promise<RegisteredModel[]> {
    const names = rows.map((r) => r.name);
    const [tags, aliases, latestRows] = await Promise.all([this.store.modelTags(names), this.store.aliasesOf(names), this.store.latestPerStage(names)]);
    const latest = await this.hydrateVersions(latestRows);
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      tags: tags.get(r.name) ?? {},
      aliases: aliases.get(r.name) ?? {},
      latestVersions: latest.filter((v) => v.name === r.name).sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage)),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  protected async hydrateVersions(rows: readonly VersionRow[]): Promise<ModelVersion[]> {
    if (rows.length === 0) return [];
    const { tags, aliases } = await this.store.versionExtras(rows);
    return rows.map((r) => versionFromRow(r, tags.get(versionKey(r.model_name, r.version)) ?? {}, aliases.get(versionKey(r.model_name, r.version)) ?? []));
  }
}
