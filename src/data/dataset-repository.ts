import { sql, type Kysely } from 'kysely';
import { isUniqueViolation, type Database } from '../storage/index.js';
import type { ColumnProfile, DatasetSummary, DatasetVersion } from './types.js';

type VersionRow = Database['dataset_versions'];

function toVersion(r: VersionRow): DatasetVersion {
  return {
    name: r.dataset_name,
    version: r.version,
    rows: Number(r.num_rows),
    contentSha256: r.content_sha256,
    artifactSha256: r.artifact_sha256,
    source: r.source,
    createdAt: Number(r.created_at),
    columns: JSON.parse(r.profile_json) as ColumnProfile[],
  };
}

/** The datasets' Kysely queries: the only place their rows are read or written. */
export class DatasetRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async getVersion(name: string, version: string): Promise<DatasetVersion | undefined> {
    const r = await this.db.selectFrom('dataset_versions').selectAll().where('dataset_name', '=', name).where('version', '=', version).executeTakeFirst();
    return r && toVersion(r);
  }

  latestVersion(name: string): Promise<DatasetVersion | undefined> {
    return this.versionBack(name, 0);
  }

  /** The version `back` places before the latest (0: the latest): the newest by created_at (kept strictly increasing by insertVersion), then by id. */
  async versionBack(name: string, back: number): Promise<DatasetVersion | undefined> {
    const r = await this.db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('dataset_name', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('version', 'desc')
      .offset(back)
      .limit(1)
      .executeTakeFirst();
    return r && toVersion(r);
  }

  /** Up to `limit` version ids of `name` that start with `prefix` (hex, so no LIKE escapes are needed). */
  async versionsStartingWith(name: string, prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('dataset_versions').select('version').where('dataset_name', '=', name).where('version', 'like', `${prefix}%`).orderBy('version').limit(limit).execute();
    return rows.map((r) => r.version);
  }

  async datasetExists(name: string): Promise<boolean> {
    return (await this.db.selectFrom('datasets').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
  }

  async listVersions(name: string): Promise<Omit<DatasetVersion, 'columns'>[]> {
    const rows = await this.db
      .selectFrom('dataset_versions')
      .select(['dataset_name', 'version', 'num_rows', 'content_sha256', 'artifact_sha256', 'source', 'created_at'])
      .where('dataset_name', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({
      name: r.dataset_name,
      version: r.version,
      rows: Number(r.num_rows),
      contentSha256: r.content_sha256,
      artifactSha256: r.artifact_sha256,
      source: r.source,
      createdAt: Number(r.created_at),
    }));
  }

  /** Every dataset with its version count and latest version, in three queries whatever their number (no profiles read). */
  async list(): Promise<DatasetSummary[]> {
    const datasets = await this.db.selectFrom('datasets').select(['name', 'description', 'updated_at']).orderBy('name').execute();
    const counts = await this.db
      .selectFrom('dataset_versions')
      .select((eb) => ['dataset_name', eb.fn.countAll<number>().as('n')])
      .groupBy('dataset_name')
      .execute();
    // The latest version of each, ordered as latestVersion orders them.
    const latest = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('dataset_versions')
          .select(['dataset_name', 'version', 'num_rows', sql<number>`row_number() over (partition by dataset_name order by created_at desc, version desc)`.as('rank')])
          .as('ranked'),
      )
      .select(['dataset_name', 'version', 'num_rows'])
      .where('rank', '=', 1)
      .execute();
    const countOf = new Map(counts.map((c) => [c.dataset_name, c]));
    const latestOf = new Map(latest.map((l) => [l.dataset_name, l]));
    return datasets.map(({ name, description, updated_at }): DatasetSummary => {
      const c = countOf.get(name);
      const l = latestOf.get(name);
      return {
        name,
        description: description ?? null,
        versions: c ? Number(c.n) : 0,
        latest: l?.version ?? null,
        rows: l ? Number(l.num_rows) : null,
        updatedAt: c ? Number(updated_at) : null,
      };
    });
  }

  /**
   * The dataset's description (the last one given is kept, whether or not its add stored a new
   * version). A different one is a change of the dataset, and moves its `updated_at`; the same one
   * again changes nothing.
   */
  async setDescription(name: string, description: string): Promise<void> {
    await this.db
      .updateTable('datasets')
      .set({ description, updated_at: Date.now() })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('description', 'is', null), eb('description', '<>', description)]))
      .execute();
  }

  /** Points a version at another artifact holding its rows (its own was lost or damaged, and the add that found it stored them again). */
  async setArtifact(name: string, version: string, artifactSha256: string): Promise<void> {
    await this.db.updateTable('dataset_versions').set({ artifact_sha256: artifactSha256 }).where('dataset_name', '=', name).where('version', '=', version).execute();
  }

  /**
   * Inserts the version (and the dataset on first use) in one transaction. Returns the stored
   * version: the existing one when a concurrent add of the same content won the race.
   */
  async insertVersion(v: DatasetVersion, description: string | undefined): Promise<{ version: DatasetVersion; created: boolean }> {
    try {
      const stored = await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('datasets')
          .values({ name: v.name, description: description ?? null, created_at: v.createdAt, updated_at: v.createdAt })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        // Versions are ordered by created_at: keep it strictly increasing within a dataset.
        const last = await tx.selectFrom('dataset_versions').select((eb) => eb.fn.max('created_at').as('t')).where('dataset_name', '=', v.name).executeTakeFirst();
        const createdAt = Math.max(v.createdAt, Number(last?.t ?? 0) + 1);
        // A new version is the dataset's latest change, with the description given beside it.
        await tx
          .updateTable('datasets')
          .set({ updated_at: createdAt, ...(description !== undefined ? { description } : {}) })
          .where('name', '=', v.name)
          .execute();
        const row: VersionRow = {
          dataset_name: v.name,
          version: v.version,
          content_sha256: v.contentSha256,
          artifact_sha256: v.artifactSha256,
          source: v.source,
          num_rows: v.rows,
          profile_json: JSON.stringify(v.columns),
          created_at: createdAt,
        };
        await tx.insertInto('dataset_versions').values(row).execute();
        return { ...v, createdAt };
      });
      return { version: stored, created: true };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const existing = await this.getVersion(v.name, v.version);
      if (!existing) throw e;
      // The transaction that would have set the description rolled back.
      if (description !== undefined) await this.setDescription(v.name, description);
      return { version: existing, created: false };
    }
  }
}
