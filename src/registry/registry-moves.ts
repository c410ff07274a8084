import { KeelError, invalidArgument, lookupFor } from '../core/index.js';
import type { RegistryStore } from './registry-store.js';
import type { VersionRow } from './rows.js';
import { checkActor, checkAlias, checkModelName, checkStage, checkVersion, modelNotFound, versionNotFound } from './validate.js';
import { STAGES, type HistoryEntry, type ModelStage, type ModelVersion } from './types.js';

/** Stages MLflow calls active: only a move into one of them may archive the versions already there. */
const ACTIVE_STAGES: readonly ModelStage[] = ['Staging', 'Production'];

/**
 * Aliases, stages, deletion and reference resolution: everything that moves a pointer, and so
 * writes the history. RegistryService extends this with creation and search.
 */
export abstract class RegistryMoves {
  constructor(protected readonly store: RegistryStore) {}

  protected abstract hydrateVersions(rows: readonly VersionRow[]): Promise<ModelVersion[]>;

  protected async requireModel(name: string): Promise<void> {
    checkModelName(name);
    if (!(await this.store.getModel(name))) throw modelNotFound(name);
  }

  protected async requireVersion(name: string, version: number, store: RegistryStore = this.store): Promise<VersionRow> {
    checkModelName(name);
    const v = checkVersion(version);
    const row = await store.getVersion(name, v);
    if (row) return row;
    if (!(await store.getModel(name))) throw modelNotFound(name);
    throw versionNotFound(name, v);
  }

  /** Points `alias` at `version` (moving it if it pointed elsewhere) and records the move. */
  async setAlias(name: string, alias: string, version: number, options: { actor?: string } = {}): Promise<ModelVersion> {
    checkAlias(alias);
    const actor = checkActor(options.actor);
    const v = checkVersion(version);
    await this.store.transaction(async (s) => {
      await this.requireVersion(name, v, s);
      const previous = await s.getAlias(name, alias);
      if (previous === v) return;
      const at = Date.now();
      await s.upsertAlias(name, alias, v);
      await s.updateModel(name, { updated_at: at });
      await s.addHistory({ kind: 'alias', model: name, alias, version: v, from: previous ?? null, to: v, actor, at });
    });
    return this.getByAlias(name, alias);
  }

  /** Removes an alias; false when it did not exist (a no-op, as in MLflow). */
  async deleteAlias(name: string, alias: string, options: { actor?: string } = {}): Promise<boolean> {
    checkAlias(alias);
    const actor = checkActor(options.actor);
    return this.store.transaction(async (s) => {
      checkModelName(name);
      if (!(await s.getModel(name))) throw modelNotFound(name);
      const previous = await s.getAlias(name, alias);
      if (previous === undefined) return false;
      const at = Date.now();
      await s.deleteAlias(name, alias);
      await s.updateModel(name, { updated_at: at });
      await s.addHistory({ kind: 'alias', model: name, alias, version: previous, from: previous, to: null, actor, at });
      return true;
    });
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    checkAlias(alias);
    checkModelName(name);
    const version = await this.store.getAlias(name, alias);
    if (version === undefined) {
      if (!(await this.store.getModel(name))) throw modelNotFound(name);
      throw new KeelError('NOT_FOUND', `Registered model alias ${alias} not found.`, { field: 'alias', details: { what: 'alias', id: `${name}@${alias}` } });
    }
    const row = await this.requireVersion(name, version);
    return (await this.hydrateVersions([row]))[0]!;
  }

  /**
   * Moves a version to a stage. With `archiveExistingVersions` (only into Staging or Production)
   * the other versions in that stage move to Archived in the same transaction; each move is recorded.
   */
  async transitionStage(name: string, version: number, stage: string, options: { archiveExistingVersions?: boolean; actor?: string } = {}): Promise<ModelVersion> {
    const to = checkStage(stage);
    const actor = checkActor(options.actor);
    const v = checkVersion(version);
    if (options.archiveExistingVersions && !ACTIVE_STAGES.includes(to)) {
      throw invalidArgument('archive_existing_versions', `cannot archive existing model versions because '${to}' is not an active stage (${ACTIVE_STAGES.join(', ')})`);
    }
    await this.store.transaction(async (s) => {
      const row = await this.requireVersion(name, v, s);
      const at = Date.now();
      if (options.archiveExistingVersions) {
        for (const other of await s.versionsInStage(name, to)) {
          if (Number(other.version) === v) continue;
          await s.updateVersion(name, Number(other.version), { stage: 'Archived', updated_at: at });
          await s.addHistory({ kind: 'stage', model: name, version: Number(other.version), from: to, to: 'Archived', actor, at });
        }
      }
      if (row.stage !== to) {
        await s.updateVersion(name, v, { stage: to, updated_at: at });
        await s.addHistory({ kind: 'stage', model: name, version: v, from: row.stage, to, actor, at });
      }
      await s.updateModel(name, { updated_at: at });
    });
    const row = await this.requireVersion(name, v);
    return (await this.hydrateVersions([row]))[0]!;
  }

  /** Deletes a version (its number is never reused); aliases pointing at it are removed and recorded. */
  async deleteModelVersion(name: string, version: number, options: { actor?: string } = {}): Promise<void> {
    const actor = checkActor(options.actor);
    const v = checkVersion(version);
    await this.store.transaction(async (s) => {
      await this.requireVersion(name, v, s);
      const at = Date.now();
      for (const alias of await s.aliasesOfVersion(name, v)) {
        await s.deleteAlias(name, alias);
        await s.addHistory({ kind: 'alias', model: name, alias, version: v, from: v, to: null, actor, at });
      }
      await s.deleteVersionRows(name, v);
      await s.updateVersion(name, v, { deleted: 1, updated_at: at });
      await s.updateModel(name, { updated_at: at });
    });
  }

  /**
   * A model version from a reference: `name@alias`, `name/3`, `name/Production` (newest version in
   * that stage), `name/latest` or `name` (newest version); a `models:/` prefix is accepted.
   * What is not found or malformed names `ref`, what the caller wrote (`keel models show REF`,
   * `/api/v1/model-resolve?ref=`), not the name, version or alias it holds.
   */
  async resolve(ref: string): Promise<ModelVersion> {
    return lookupFor('ref', () => this.resolveRef(ref), ['name', 'version', 'alias']);
  }

  private async resolveRef(ref: string): Promise<ModelVersion> {
    if (typeof ref !== 'string' || ref.length === 0) throw invalidArgument('ref', "expected 'name', 'name@alias' or 'name/version'");
    const r = ref.startsWith('models:/') ? ref.slice('models:/'.length) : ref;
    const at = r.indexOf('@');
    if (at >= 0) {
      checkModelName(r.slice(0, at), 'ref');
      checkAlias(r.slice(at + 1), 'ref');
      return this.getByAlias(r.slice(0, at), r.slice(at + 1));
    }
    const slash = r.indexOf('/');
    const name = slash >= 0 ? r.slice(0, slash) : r;
    const selector = slash >= 0 ? r.slice(slash + 1) : 'latest';
    checkModelName(name, 'ref');
    if (/^\d+$/.test(selector)) return this.getModelVersionRow(name, Number(selector));
    let row: VersionRow | undefined;
    if (selector.toLowerCase() === 'latest') {
      row = await this.store.latestVersion(name);
    } else {
      const stage = STAGES.find((s) => s.toLowerCase() === selector.toLowerCase());
      if (!stage) throw invalidArgument('ref', `'${ref}': expected a version number, a stage (${STAGES.join(', ')}) or 'latest' after '/'`);
      row = (await this.store.latestPerStage([name])).find((x) => x.stage === stage);
    }
    if (!row) {
      await this.requireModel(name);
      throw new KeelError('NOT_FOUND', `ref: no model version matches '${ref}'`, { field: 'ref', details: { what: 'model version', id: ref } });
    }
    return (await this.hydrateVersions([row]))[0]!;
  }

  private async getModelVersionRow(name: string, version: number): Promise<ModelVersion> {
    const row = await this.requireVersion(name, version);
    return (await this.hydrateVersions([row]))[0]!;
  }

  /** Alias and stage moves of a model, oldest first; filtered to one alias or one version. */
  async history(name: string, options: { alias?: string; version?: number } = {}): Promise<HistoryEntry[]> {
    checkModelName(name);
    if (options.alias !== undefined) checkAlias(options.alias);
    const version = options.version === undefined ? undefined : checkVersion(options.version);
    const entries = await this.store.history(name, { ...(options.alias !== undefined ? { alias: options.alias } : {}), ...(version !== undefined ? { version } : {}) });
    if (entries.length === 0 && !(await this.store.getModel(name))) throw modelNotFound(name);
    return entries;
  }
}
