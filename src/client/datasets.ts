import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { assertReadableFile, assertUnchanged, DATASET_FORMATS, isDatasetFormat, KeelError, listItem, listSourceFiles, mixedFormats, stampFiles, type AddedVersion, type ColumnProfile, type ColumnStats, type DatasetDiff, type DatasetSummary, type DatasetVersion, type DatasetVersionInfo, type FileStamps, type LocationShift, type LogicalType, type ReadOptionsGiven, type RowsPage, type Shift } from '../core/index.js';
import { checkOptions, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

// The JSON shapes of /api/v1/datasets are core's (core/contracts/datasets.ts), which data/ makes;
// the SDK's names for them follow.
export type QuantileKey = keyof NonNullable<ColumnStats['quantiles']>;
export type DatasetColumnStats = ColumnStats;
export type DatasetColumn = ColumnProfile;
export type { DatasetVersionInfo };
export type DatasetVersionDetail = DatasetVersion;
export type DatasetAdded = AddedVersion;
export type DatasetListItem = DatasetSummary;
export type DatasetRowsPage = RowsPage;
export type DatasetShift = Shift;
export type DatasetLocationShift = LocationShift;
export type DatasetDiffResult = DatasetDiff;

const MIB = 1 << 20;

function splitRef(ref: string): { name: string; version: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref, version: 'latest' } : { name: ref.slice(0, at), version: ref.slice(at + 1) || 'latest' };
}

/** What `datasets.add` takes besides the name and the file: a CSV's read options as `keel data add`'s flags, and the upload's signal and progress. */
export interface DatasetAddOptions extends Omit<ReadOptionsGiven, 'types'> {
  readonly format?: string;
  readonly description?: string;
  /** Column types replacing the sniffed ones, e.g. `{ zip: 'string' }`. */
  readonly types?: Readonly<Record<string, LogicalType>>;
  readonly signal?: AbortSignal;
  /** MiB sent (`task: 'upload'`); the last event says the server has the whole file and computes. */
  readonly onProgress?: (e: { task: string; done: number; total?: number; message?: string }) => void;
}

/** Which rows `datasets.rows` reads: a page (default the first 20) of some columns (default all). */
export interface DatasetRowsOptions {
  readonly limit?: number;
  readonly offset?: number;
  readonly columns?: readonly string[];
}

/** datasets.add's options and their kinds, as the upload's query parameters (the same names) take them. */
const ADD_OPTIONS: OptionTable<keyof DatasetAddOptions> = {
  format: 'string', description: 'string', encoding: 'string', delimiter: 'string', decimal: 'string', thousands: 'string', comment: 'string',
  na: 'strings', header: 'boolean', names: 'names', skip: 'integer', columns: 'names', dateFormat: 'string', fillShortRows: 'boolean',
  types: 'stringMap', signal: 'signal', onProgress: 'function',
};
const ROWS_OPTIONS: OptionTable<keyof DatasetRowsOptions> = { limit: 'integer', offset: 'integer', columns: 'names' };

/** Datasets over HTTP: the same calls as DatasetService. */
export class DatasetsClient {
  constructor(private readonly http: HttpTransport) {}

  async list(): Promise<DatasetListItem[]> {
    return (await this.http.request<{ datasets: DatasetListItem[] }>('GET', 'api/v1/datasets')).datasets;
  }

  /** The versions path, not /datasets/NAME: /datasets/diff is the diff route. */
  async versions(name: string): Promise<DatasetVersionInfo[]> {
    required('name', name, 'name');
    return (await this.http.request<{ versions: DatasetVersionInfo[] }>('GET', `api/v1/datasets/${encodeURIComponent(name)}/versions`)).versions;
  }

  /** `name`, `name@latest` or `name@version`. */
  async get(ref: string): Promise<DatasetVersionDetail> {
    required('ref', ref, 'name');
    const { name, version } = splitRef(ref);
    return this.http.request('GET', `api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`);
  }

  /** A page of a version's rows (default the first 20), in stored order; timestamps as ISO strings. */
  async rows(ref: string, options: DatasetRowsOptions = {}): Promise<DatasetRowsPage> {
    required('ref', ref, 'name');
    checkOptions('options', options, ROWS_OPTIONS);
    const { name, version } = splitRef(ref);
    return this.http.request('GET', `api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/rows`, undefined, {
      query: { limit: options.limit, offset: options.offset, columns: options.columns?.map(listItem) },
    });
  }

  async diff(a: string, b: string): Promise<DatasetDiffResult> {
    required('a', a, 'name');
    required('b', b, 'name');
    return this.http.request('GET', 'api/v1/datasets/diff', undefined, { query: { a, b } });
  }

  /** Uploads a local file as a new version (the server computes schema and statistics). */
  async add(name: string, filePath: string, options: DatasetAddOptions = {}): Promise<DatasetAdded> {
    required('name', name, 'name');
    required('file', filePath, 'path');
    checkOptions('options', options, ADD_OPTIONS);
    if (options.format !== undefined && !isDatasetFormat(options.format)) {
      throw new KeelError('INVALID_ARGUMENT', `format: unknown format '${options.format}' (known: ${DATASET_FORMATS.join(', ')})`, { field: 'format' });
    }
    // A folder or a glob goes up as one multipart body, its files in path order (the server adds
    // them as one version, as a local add would).
    const { files, many } = await listSourceFiles(filePath, options.format);
    // Refused here, naming the folder the server would know only as 'the upload', before any byte is sent.
    const mixed = many && options.format === undefined ? mixedFormats(files) : undefined;
    if (mixed !== undefined) throw new KeelError('INVALID_ARGUMENT', `format: '${filePath}' mixes formats (${mixed}); add them separately or pass a format`, { field: 'format' });
    // A file that changes while it is sent (a log still written) is refused before the body ends,
    // so the server, which never sees the end of it, stores nothing (file-stamps.ts).
    const stamps = await stampFiles(files);
    // Each file opened here, so that a missing or unreadable one is a clear error before any
    // request; the body then streams (a dataset can be larger than the client's memory).
    let size = 0;
    for (const f of files) size += (await assertReadableFile(f)).size;
    const boundary = `keel-${randomBytes(12).toString('hex')}`;
    const { onProgress } = options;
    let sent = 0;
    // In MiB: the bar prints whole numbers. Counted as the connection pulls the body (a generator
    // keeps the backpressure and the errors).
    const count = (n: number) => {
      sent += n;
      const total = Math.max(1, Math.ceil(size / MIB));
      onProgress?.({ task: 'upload', done: sent < size ? sent / MIB : total, total, message: sent < size ? 'MiB sent' : 'sent; the server computes' });
    };
    const body = Readable.from(many ? multipartBody(files, boundary, count, stamps) : fileBody(files[0]!, count, stamps));
    return this.http.upload('POST', `api/v1/datasets/${encodeURIComponent(name)}/versions`, body, {
      query: {
        format: options.format,
        description: options.description,
        encoding: options.encoding,
        delimiter: options.delimiter,
        decimal: options.decimal,
        thousands: options.thousands,
        comment: options.comment,
        // Every list as the parameter repeated; the names escaped, as the server splits them at
        // commas (splitList), the missing-value spellings as they are (never split).
        na: options.na,
        header: options.header === false ? 'false' : undefined,
        names: options.names?.map(listItem),
        skip: options.skip,
        columns: options.columns?.map(listItem),
        dateFormat: options.dateFormat,
        fillShortRows: options.fillShortRows === true ? 'true' : undefined,
        types: options.types && Object.entries(options.types).map(([c, t]) => `${listItem(c)}=${t}`),
        filename: many ? undefined : basename(filePath),
      },
      ...(many ? { contentType: `multipart/form-data; boundary=${boundary}` } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Downloads a version's rows as Parquet to `dest`: a path (a regular file or a new path whole or
   * not at all, a symlink's target, a FIFO in place) or a stream such as stdout (left open).
   */
  async download(ref: string, dest: string | Writable): Promise<void> {
    required('ref', ref, 'name');
    required('dest', dest, 'destination');
    const { name, version } = splitRef(ref);
    await this.http.download(`api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/parquet`, dest);
  }
}

/** The bytes of the file at `path`, then a check that it is as `stamps` found it (else the body fails). */
async function* fileBody(path: string, count: (n: number) => void, stamps: FileStamps): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: MIB })) {
    count((chunk as Buffer).length);
    yield chunk as Buffer;
  }
  await assertUnchanged(new Map([[path, stamps.get(path)]]));
}

/**
 * The files as the parts of a multipart/form-data body (RFC 7578), each named `file`, with its
 * base name as the filename (`"` and line breaks escaped as a browser does).
 */
async function* multipartBody(files: readonly string[], boundary: string, count: (n: number) => void, stamps: FileStamps): AsyncGenerator<Buffer> {
  for (const f of files) {
    const name = basename(f).replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    yield* fileBody(f, count, stamps);
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}
