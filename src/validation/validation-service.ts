/**
 * The validation service: saved schemas (versioned per dataset name), reference statistics
 * stored once per dataset version, and `validate` / `drift` over dataset versions.
 */
import type { Kysely } from 'kysely';
import { invalidArgument, isValidName, KeelError, lookupFor, type Logger, type Table } from '../core/index.js';
import type { DatasetService, DatasetVersion } from '../data/index.js';
import { isUniqueViolation, withBlobClaims, type ArtifactStore, type Database } from '../storage/index.js';
import { computeReference, isCategoricalType, REFERENCE_FORMAT, type ReferenceStats } from './reference-stats.js';
import { checkDriftOptions, detectDrift, type DriftOptions, type DriftReport } from './drift.js';
import { inferSchema, parseSchema, type InferSchemaOptions, type Schema } from './schema.js';
import { validateTable, type AnomalyReport } from './validate-table.js';

// Statistics, checks and drift need no int beyond 2^53 (an ID) exactly: the nearest double does.
const NEAREST = { largeInts: 'nearest' } as const;

/** The dataset a schema is saved for must be named validly (the CLI asks this before it reads the schema file). */
export function assertSchemaDatasetName(dataset: string): void {
  if (!isValidName(dataset)) throw invalidArgument('dataset', `invalid dataset name '${dataset}'`);
}

export interface ValidationServiceDeps {
  readonly db: Kysely<Database>;
  readonly artifacts: ArtifactStore;
  readonly datasets: DatasetService;
  readonly logger: Logger;
}

export interface SavedSchema {
  readonly dataset: string;
  readonly version: number;
  readonly source: string;
  readonly createdAt: number;
  readonly schema: Schema;
}

export interface ValidateOptions {
  /** A schema to use instead of the dataset's latest saved one. */
  readonly schema?: Schema;
  /** A dataset version to check distribution drift against. */
  readonly against?: string;
  /** Attach per-column distributions to the drift report (for the HTML report). */
  readonly distributions?: boolean;
}

export interface ValidationResult {
  readonly batch: string;
  readonly schemaSource: string;
  readonly against: string | null;
  readonly report: AnomalyReport;
}

export class ValidationService {
  constructor(private readonly deps: ValidationServiceDeps) {}

  /** Infers a schema from a dataset version's stored profile (no data is read). */
  async inferSchema(ref: string, options: InferSchemaOptions = {}): Promise<Schema> {
    const version = await lookupFor('dataset', () => this.deps.datasets.get(ref, 'dataset'));
    const maxDomain = options.maxDomainSize ?? 20;
    if (!Number.isSafeInteger(maxDomain) || maxDomain < 0) throw invalidArgument('maxDomainSize', `expected an integer >= 0, got ${String(maxDomain)}`);
    // The stored profile keeps a column's top 20 values only: a larger domain is read from the rows.
    const pinned = `${version.name}@${version.version}`;
    const beyondProfile = version.columns.some((c) => isCategoricalType(c.type) && c.stats.top.length < c.stats.distinct && c.stats.distinct <= maxDomain);
    if (!beyondProfile) return inferSchema(version, options);
    return inferSchema(await this.deps.datasets.loadTable(pinned, NEAREST), { ...options, source: options.source ?? `inferred from ${pinned}` });
  }

  /** Saves a schema as the next version for a dataset name; the dataset must exist (a typo would start a schema nothing validates against). */
  async saveSchema(dataset: string, schema: Schema, source = schema.source ?? 'saved'): Promise<SavedSchema> {
    await this.requireDataset(dataset);
    const checked = parseSchema(schema);
    for (let attempt = 0; ; attempt++) {
      const last = await this.deps.db.selectFrom('validation_schemas').select((eb) => eb.fn.max('version').as('v')).where('dataset_name', '=', dataset).executeTakeFirst();
      const version = Number(last?.v ?? 0) + 1;
      const createdAt = Date.now();
      try {
        await this.deps.db.insertInto('validation_schemas').values({ dataset_name: dataset, version, schema_json: JSON.stringify(checked), source, created_at: createdAt }).execute();
        return { dataset, version, source, createdAt, schema: checked };
      } catch (e) {
        // Two writers took the same number: take the next one.
        if (!isUniqueViolation(e) || attempt >= 3) throw e;
      }
    }
  }

  /** A saved schema: the given version or the latest. */
  async getSchema(dataset: string, version?: number): Promise<SavedSchema> {
    let q = this.deps.db.selectFrom('validation_schemas').selectAll().where('dataset_name', '=', dataset);
    q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
    const row = await q.executeTakeFirst();
    if (!row) {
      // A dataset that does not exist is named as such, not as a dataset without schemas.
      await this.requireDataset(dataset);
      if (version === undefined) throw new KeelError('NOT_FOUND', `dataset '${dataset}' has no saved schema: \`keel schema infer ${dataset}@<version>\` saves one`, { details: { what: 'schema', id: dataset } });
      // Named as the version asked for, with the ones there are: 'tx v99' named neither field nor range.
      const latest = await this.deps.db.selectFrom('validation_schemas').select('version').where('dataset_name', '=', dataset).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const has = latest ? `its latest is ${latest.version}` : 'it has no saved schema';
      throw new KeelError('NOT_FOUND', `version: no schema version ${version} of dataset '${dataset}' (${has})`, { field: 'version' });
    }
    return { dataset, version: row.version, source: row.source, createdAt: row.created_at, schema: JSON.parse(row.schema_json) as Schema };
  }

  /** A dataset that does not exist is NOT_FOUND, not an empty list (a typo would look like "no schemas yet"). */
  async listSchemas(dataset: string): Promise<Omit<SavedSchema, 'schema'>[]> {
    await this.requireDataset(dataset);
    const rows = await this.deps.db.selectFrom('validation_schemas').select(['version', 'source', 'created_at']).where('dataset_name', '=', dataset).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ dataset, version: r.version, source: r.source, createdAt: r.created_at }));
  }

  private async requireDataset(dataset: string): Promise<void> {
    assertSchemaDatasetName(dataset);
    await lookupFor('dataset', () => this.deps.datasets.get(dataset, 'dataset'));
  }

  /**
   * Reference statistics of a dataset version: loaded if stored, else computed once and stored.
   * `field` names the ref in an error (validate's `against`, drift's `reference`).
   */
  async referenceFor(ref: string, field?: string): Promise<ReferenceStats> {
    const v = field === undefined ? await this.deps.datasets.get(ref) : await lookupFor(field, () => this.deps.datasets.get(ref, field));
    const row = await this.deps.db.selectFrom('validation_references').select('artifact_sha256')
      .where('dataset_name', '=', v.name).where('dataset_version', '=', v.version).executeTakeFirst();
    if (row) {
      const stats = JSON.parse((await this.deps.artifacts.get(row.artifact_sha256)).toString('utf8')) as ReferenceStats;
      if (stats.format === REFERENCE_FORMAT) return stats;
    }
    const stats = computeReference(await this.deps.datasets.loadTable(`${v.name}@${v.version}`, NEAREST));
    // Claimed from the put to the record, so that `keel gc` does not take the blob in between.
    await withBlobClaims(this.deps.artifacts.notesDir, async (claim) => {
      const art = await this.deps.artifacts.put(JSON.stringify(stats), { beforeCommit: claim });
      try {
        await this.deps.db.insertInto('validation_references').values({ dataset_name: v.name, dataset_version: v.version, artifact_sha256: art.sha256, columns: stats.columns.length, created_at: Date.now() }).execute();
      } catch (e) {
        if (!isUniqueViolation(e)) throw e; // computed concurrently: the stored copy is identical
      }
    });
    this.deps.logger.debug({ dataset: v.name, version: v.version }, 'reference statistics stored');
    return stats;
  }

  /** Validates a dataset version against a schema (given, or the dataset's latest saved one). */
  async validate(ref: string, options: ValidateOptions = {}): Promise<ValidationResult & { readonly version: DatasetVersion }> {
    const version = await lookupFor('dataset', () => this.deps.datasets.get(ref, 'dataset'));
    let schema = options.schema;
    let schemaSource = 'given';
    if (!schema) {
      const saved = await this.getSchema(version.name).catch((e: unknown) => {
        if (e instanceof KeelError && e.code === 'NOT_FOUND') {
          throw new KeelError('FAILED_PRECONDITION', `no saved schema for '${version.name}': run \`keel schema infer ${version.name}@<version>\` (it saves the schema) or pass --schema FILE`, { field: 'schema' });
        }
        throw e;
      });
      schema = saved.schema;
      schemaSource = `${version.name} schema v${saved.version}`;
    }
    const table = await this.deps.datasets.loadTable(`${version.name}@${version.version}`, NEAREST);
    // Named by its full id, as `batch` is: `credit@latest~1` would name another version tomorrow.
    const { against: againstGiven } = options;
    const against = againstGiven === undefined ? undefined : await lookupFor('against', () => this.deps.datasets.get(againstGiven, 'against'));
    const againstRef = against ? `${against.name}@${against.version}` : null;
    const reference = againstRef ? await this.referenceFor(againstRef, 'against') : undefined;
    const report = validateTable(schema, table, reference, { distributions: options.distributions });
    return { batch: `${version.name}@${version.version}`, version, schemaSource, against: againstRef, report };
  }

  /** Drift between two dataset versions; the first one's stored reference statistics are used. */
  async drift(referenceRef: string, currentRef: string, options: DriftOptions = {}): Promise<DriftReport> {
    const reference = await this.referenceFor(referenceRef, 'reference');
    const current = await lookupFor('current', () => this.deps.datasets.get(currentRef, 'current'));
    checkDriftOptions(options, reference.columns.map((c) => c.name));
    return detectDrift(reference, await this.deps.datasets.loadTable(`${current.name}@${current.version}`, NEAREST), options);
  }

  /** Training–serving skew of logged inputs against the training dataset version. */
  async skew(trainingRef: string, servingInputs: Table, options: DriftOptions = {}): Promise<DriftReport> {
    return detectDrift(await this.referenceFor(trainingRef), servingInputs, options);
  }
}
