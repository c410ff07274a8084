import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import type { DuckDBConnection } from '@duckdb/node-api';
import { assertUnchanged, invalidArgument, lookupFor, makeWorkDir, notFound, stampFiles, sha256, throwIfAborted, type DatasetFormat, type Table } from '../core/index.js';
import type { JobOptions } from '../jobs/index.js';
import { artifactRecorded, claimStoredBlob, releaseBlob, releaseDeadClaims, type BlobRelease } from '../storage/index.js';
import { DatasetRepository } from './dataset-repository.js';
import { diffVersions, type DatasetDiff } from './dataset-diff.js';
import { resolveExportFormat, writeExport, type ExportResult } from './dataset-export.js';
import { pageBounds, readRows, versionColumns, type RowsOptions, type RowsPage } from './dataset-rows.js';
import { assertDatasetName, parseDatasetRef } from './dataset-ref.js';
import { withNotes } from './add-notes.js';
import { openDuckDb } from './duckdb-sql.js';
import { profileParquet } from './profile.js';
import { readPlainForAdd, type PlainRead } from './plain-csv-read.js';
import { readWithDuckDb } from './duckdb-read.js';
import { contentHash, readableFiles, resolveSourceFiles } from './source-files.js';
import { readIdentity, resolveReadOptions, type ReadOptionsGiven } from './read-options.js';
import { sourceError } from './source-sql.js';
import { withBadLine } from './json-bad-line.js';
import { dropBlob, intact, readFailure, storedParquet } from './stored-parquet.js';
import type { DatasetServiceDeps } from './dataset-service-deps.js';
import { checkLoadTableOptions, loadParquetTable, type LoadTableOptions } from './table-loader.js';
import type { AddedVersion, ColumnProfile, DatasetSummary, DatasetVersion, DatasetVersionInfo } from './types.js';

export type { DatasetServiceDeps, DatasetServiceHooks } from './dataset-service-deps.js';

export interface AddDatasetOptions extends ReadOptionsGiven {
  readonly format?: DatasetFormat | string;
  readonly description?: string;
  /** What to record as the source (default: the absolute file path). */
  readonly source?: string;
}

export type { DatasetVersionInfo } from './types.js';

/** The version of some content: the first 12 hex characters of its sha256. */
export const versionOf = (contentSha256: string): string => contentSha256.slice(0, 12);

/**
 * Immutable, content-addressed dataset versions: ingest through DuckDB into Parquet in the
 * artifact store, schema and statistics in the metadata store.
 */
export class DatasetService {
  private readonly repo: DatasetRepository;

  constructor(readonly deps: DatasetServiceDeps) {
    this.repo = new DatasetRepository(deps.db);
  }

  /** Adds a version (or finds the one with this content); the answer holds the add's notes (add-notes.ts). */
  add(name: string, filePath: string, options: AddDatasetOptions = {}, job: JobOptions = {}): Promise<AddedVersion> {
    return withNotes(job, (j) => this.ingest(name, filePath, options, j));
  }

  private async ingest(name: string, filePath: string, options: AddDatasetOptions, job: JobOptions): Promise<DatasetVersion & { created: boolean }> {
    assertDatasetName(name, 'name');
    const source = await resolveSourceFiles(filePath, options.format, options.delimiter);
    // The hash and DuckDB read the files apart: a file that changed between them is refused (file-stamps.ts).
    const stamps = await stampFiles(source.files);
    const read = resolveReadOptions(source.format, source.files[0]!, options);
    const identity = readIdentity(read);
    const progress = (done: number, message: string) => job.onProgress?.({ task: 'ingest', done, total: 100, message });
    // The sniff comes first: on a file of thousands of columns it alone takes seconds.
    progress(0, 'sniffing types');
    const started = Date.now();
    // A killed add's blob goes, unless a version records it (storage/blob-claims.ts).
    await releaseDeadClaims(this.deps.artifacts.notesDir, this.blobRelease());
    const work = await makeWorkDir(this.deps.tmpDir, 'ingest');
    let claim: string | undefined;
    // Opened once a file needs it: a plain CSV is read without it (plain-csv-read.ts).
    let duck: Awaited<ReturnType<typeof openDuckDb>> | undefined;
    let con: DuckDBConnection | undefined;
    const { signal } = job;
    // An abort (Ctrl-C) stops DuckDB's query; the add then fails, leaving nothing behind.
    const interrupt = () => duck?.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      throwIfAborted(signal, 'the add');
      const { files, userNames, userText } = await readableFiles(source, work);
      // The content hash runs beside DuckDB's read: identical content is found without waiting
      // for the whole ingest, and new content pays no extra pass.
      let duplicate: DatasetVersion | undefined;
      // A version found whose stored Parquet is gone or damaged: this add stores it again.
      let damaged: DatasetVersion | undefined;
      // The same bytes read in another encoding or with other types are other data: another version.
      const dedupe = contentHash(files, stamps).then(async (raw) => {
        await this.deps.hooks?.afterContentHash?.();
        const sha = identity === '' ? raw : sha256(`${raw}\n${identity}`);
        duplicate = await this.repo.getVersion(name, versionOf(sha));
        if (duplicate && !(await intact(this.deps.artifacts, duplicate))) {
          damaged = duplicate;
          duplicate = undefined;
        }
        if (duplicate) con?.interrupt();
        return sha;
      });
      dedupe.catch(() => undefined);
      const parquet = join(work, 'data.parquet');
      let columns;
      let plain: PlainRead | undefined;
      let cons: readonly [DuckDBConnection, DuckDBConnection] | undefined;
      try {
        // A plain CSV is read in JS, statistics included; any other file by DuckDB.
        if (source.format === 'csv' && files.length === 1 && identity === '') plain = await readPlainForAdd(files[0]!, { logger: this.deps.logger, dataset: name, progress, signal, minBytes: this.deps.plainCsvMinBytes, afterParse: this.deps.hooks?.afterPlainParse });
        if (plain) columns = plain.columns;
        else {
          duck = await openDuckDb(work);
          cons = [(con = await duck.connect()), await duck.connect()];
          columns = await readWithDuckDb(con, files, source.format, read, work, parquet, { logger: this.deps.logger, dataset: name, progress, userText, signal });
        }
      } catch (e) {
        await dedupe.catch(() => undefined);
        await assertUnchanged(stamps);
        if (duplicate) return this.addedAgain(duplicate, options.description);
        throwIfAborted(signal, 'the add');
        throw userNames(await withBadLine(sourceError(e, source.format, files), files));
      }
      const contentSha256 = await dedupe.finally(() => assertUnchanged(stamps));
      if (duplicate) return this.addedAgain(duplicate, options.description);
      progress(60, 'statistics');
      // The Parquet goes into the artifact store (a copy, hashed: I/O and Node's thread) while
      // DuckDB computes the statistics; the JS path's, whose statistics are done, from memory,
      // never written to the work folder and read back.
      // A damaged blob goes first: the store keeps a blob whose size is right as it is.
      const put = { beforeCommit: async (sha: string) => void (claim = await claimStoredBlob(this.deps.artifacts.notesDir, sha, this.deps.hooks)) };
      const stored = (damaged ? dropBlob(this.deps.artifacts, damaged.artifactSha256) : Promise.resolve()).then(() => (plain ? this.deps.artifacts.putStream(Readable.from(plain.parquet), put) : this.deps.artifacts.putFile(parquet, put)));
      stored.catch(() => undefined);
      let profile;
      try {
        await this.deps.hooks?.beforeStatistics?.();
        // The bar moves from 60 to 90 as the statistics' batches of columns finish.
        profile = plain?.profile ?? await profileParquet(cons!, parquet, columns, {}, (done, total) => progress(60 + (30 * done) / total, 'statistics'));
      } catch (e) {
        const artifact = await stored.catch(() => undefined);
        if (artifact) await this.removeUnreferencedArtifact(artifact.sha256, claim);
        throwIfAborted(signal, 'the add');
        throw e;
      }
      progress(90, 'storing');
      const artifact = await stored;
      try {
        await this.deps.hooks?.afterArtifactStored?.(artifact.sha256);
        // The last moment to stop: after the commit the version exists.
        throwIfAborted(signal, 'the add');
        const inserted = await this.repo.insertVersion(
          {
            name,
            version: versionOf(contentSha256),
            rows: profile.rows,
            contentSha256,
            artifactSha256: artifact.sha256,
            source: options.source ?? resolve(filePath),
            createdAt: Date.now(),
            columns: profile.columns,
          },
          options.description,
        );
        // DuckDB writes the same file from the same content, so the damaged version's artifact is
        // whole again; should the bytes differ (another DuckDB), the version takes the new ones.
        const { created } = inserted;
        let { version } = inserted;
        if (damaged && version.artifactSha256 !== artifact.sha256) {
          await this.repo.setArtifact(name, version.version, artifact.sha256);
          version = { ...version, artifactSha256: artifact.sha256 };
        }
        progress(100, 'done');
        this.deps.logger.info({ dataset: name, version: version.version, rows: profile.rows, ms: Date.now() - started }, 'dataset version added');
        // Another add of the same content may have committed first: then this one found it.
        return { ...version, created };
      } catch (e) {
        await this.removeUnreferencedArtifact(artifact.sha256, claim);
        throw e;
      }
    } finally {
      signal?.removeEventListener('abort', interrupt);
      duck?.close();
      // The claim goes once the version has committed (or the add failed), never before.
      await Promise.all([rm(work, { recursive: true, force: true }), claim && rm(claim, { force: true })]);
    }
  }

  /** The version an add found already stored; the description given with it replaces the dataset's, as a new version's would. */
  private async addedAgain(version: DatasetVersion, description: string | undefined): Promise<DatasetVersion & { created: false }> {
    if (description !== undefined) await this.repo.setDescription(version.name, description);
    return { ...version, created: false };
  }

  /** A failed add (its claim `claim`) leaves no blob behind unless a version or another live add uses the same bytes. */
  private async removeUnreferencedArtifact(sha: string, claim: string | undefined): Promise<void> {
    await releaseBlob(this.deps.artifacts.notesDir, sha, this.blobRelease(), claim).catch((e: unknown) => this.deps.logger.warn({ err: e, artifact: sha }, 'could not remove the artifact of a failed dataset add'));
  }

  /** How a blob no add claims is removed: unless a record (a version, a run's artifact...) names it (storage/blob-claims.ts). */
  private blobRelease(): BlobRelease {
    return { referenced: (sha) => artifactRecorded(this.deps.db, sha), remove: (sha) => dropBlob(this.deps.artifacts, sha), hooks: this.deps.hooks };
  }

  list(): Promise<DatasetSummary[]> {
    return this.repo.list();
  }

  /** The versions of one dataset, newest first (without their column statistics). */
  async versions(name: string): Promise<DatasetVersionInfo[]> {
    assertDatasetName(name, 'name');
    if (!(await this.repo.datasetExists(name))) throw notFound('dataset', name, 'name');
    return this.repo.listVersions(name);
  }

  /**
   * `field` names the ref in an error (the diff's `a` and `b`), a NOT_FOUND too, as the HTTP
   * route's does: `ref: dataset 'x' not found` (lookupFor renames it for callers that name it otherwise).
   */
  async get(ref: string, field = 'ref'): Promise<DatasetVersion> {
    const { name, version, prefix, back } = parseDatasetRef(ref, field);
    const v = version ? await this.repo.getVersion(name, version) : prefix ? await this.versionStartingWith(name, prefix, field) : back ? await this.repo.versionBack(name, back) : await this.repo.latestVersion(name);
    if (v) return v;
    if (!(await this.repo.datasetExists(name))) throw notFound('dataset', name, field);
    throw notFound('dataset version', ref, field);
  }

  /** The one version whose id starts with `prefix`; a prefix two versions share is refused, naming them. */
  private async versionStartingWith(name: string, prefix: string, field: string): Promise<DatasetVersion | undefined> {
    const ids = await this.repo.versionsStartingWith(name, prefix, 5);
    if (ids.length > 1) throw invalidArgument(field, `version '${prefix}' of dataset '${name}' is ambiguous: it starts ${ids.length > 4 ? 'more than 4 versions' : `${ids.length} versions`} (${ids.slice(0, 4).join(', ')}); give more of its characters`);
    return ids.length === 1 ? this.repo.getVersion(name, ids[0]!) : undefined;
  }

  async diff(refA: string, refB: string): Promise<DatasetDiff> {
    // Both looked up at once; when both fail, A's error is the one reported, every time.
    const [a, b] = await Promise.allSettled([lookupFor('a', () => this.get(refA, 'a')), lookupFor('b', () => this.get(refB, 'b'))]);
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    return diffVersions(a.value, b.value);
  }

  /**
   * Writes a version's rows to `dest` as Parquet, CSV or NDJSON (by `format`, else the file name;
   * CSV for a stream): a file path as writeExport says, or a stream (stdout), which stays open.
   */
  async export(ref: string, dest: string | Writable, options: { format?: string } = {}): Promise<ExportResult> {
    const format = resolveExportFormat(typeof dest === 'string' ? dest : undefined, options.format);
    const v = await this.get(ref);
    await mkdir(this.deps.tmpDir, { recursive: true });
    await writeExport(await storedParquet(this.deps.artifacts, v, { verify: true }), dest, format, this.deps.tmpDir);
    return { name: v.name, version: v.version, rows: v.rows, format, path: typeof dest === 'string' ? resolve(dest) : '-' };
  }

  /** A page of a version's rows (default the first 20), optionally some columns, as JSON-ready values. */
  async rows(ref: string, options: RowsOptions = {}): Promise<RowsPage> {
    const bounds = pageBounds(options);
    return this.readVersion(ref, options.columns, async (con, path, v, columns) => ({
      name: v.name,
      version: v.version,
      total: v.rows,
      offset: bounds.offset,
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
      rows: await readRows(con, path, columns, bounds),
    }));
  }

  /**
   * Runs `read` on a DuckDB connection over the version's stored Parquet (hashed first with
   * `verify`), with the named columns (default all); a file missing or corrupted is DATA_CORRUPTED.
   */
  private async readVersion<T>(
    ref: string,
    names: readonly string[] | undefined,
    read: (con: DuckDBConnection, parquetPath: string, v: DatasetVersion, columns: readonly ColumnProfile[]) => Promise<T>,
    options: { verify?: boolean } = {},
  ): Promise<T> {
    const v = await this.get(ref);
    const columns = versionColumns(v, names);
    const path = await storedParquet(this.deps.artifacts, v, options);
    await mkdir(this.deps.tmpDir, { recursive: true });
    const duck = await openDuckDb(this.deps.tmpDir);
    try {
      return await read(await duck.connect(), path, v, columns);
    } catch (e) {
      throw await readFailure(v, path, e);
    } finally {
      duck.close();
    }
  }

  /** The version and the path of its stored Parquet, verified (a download sends every byte of it). */
  async parquetFile(ref: string): Promise<{ readonly version: DatasetVersion; readonly path: string }> {
    const version = await this.get(ref);
    return { version, path: await storedParquet(this.deps.artifacts, version, { verify: true }) };
  }

  async parquetPath(ref: string): Promise<string> {
    return (await this.parquetFile(ref)).path;
  }

  /** The version as the core Table (numbers as Float64Array with NaN, strings dictionary-encoded), its file verified first. */
  async loadTable(ref: string, options: LoadTableOptions = {}): Promise<Table> {
    checkLoadTableOptions(options);
    return this.readVersion(ref, options.columns, (con, path, _v, columns) => loadParquetTable(con, path, columns, options), { verify: true });
  }
}
