import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { KeelError, type LogicalType } from '../core/index.js';
import type { HttpTransport } from './http.js';

// The JSON shapes of /api/v1/datasets (the client imports only core, so they are spelled out here;
// they match src/data/types.ts and src/data/dataset-diff.ts).
export type QuantileKey = 'p01' | 'p05' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99';
export interface DatasetColumnStats {
  readonly count: number;
  readonly missing: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly std: number | null;
  readonly distinct: number;
  readonly quantiles: Readonly<Record<QuantileKey, number>> | null;
  readonly top: readonly { readonly value: string; readonly count: number }[];
  readonly histogram: { readonly edges: readonly number[]; readonly counts: readonly number[] } | null;
}
export interface DatasetColumn {
  readonly name: string;
  readonly type: LogicalType;
  readonly nullable: boolean;
  readonly stats: DatasetColumnStats;
}
export interface DatasetVersionInfo {
  readonly name: string;
  readonly version: string;
  readonly rows: number;
  readonly contentSha256: string;
  readonly artifactSha256: string;
  readonly source: string;
  readonly createdAt: number;
}
export interface DatasetVersionDetail extends DatasetVersionInfo {
  readonly columns: readonly DatasetColumn[];
}
export interface DatasetListItem {
  readonly name: string;
  readonly description: string | null;
  readonly versions: number;
  readonly latest: string | null;
  readonly rows: number | null;
  readonly updatedAt: number | null;
}
export interface DatasetRowsPage {
  readonly name: string;
  readonly version: string;
  readonly total: number;
  readonly offset: number;
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[];
  readonly rows: readonly (readonly (number | string | boolean | null)[])[];
}
export interface DatasetShift {
  readonly a: number | null;
  readonly b: number | null;
  readonly delta: number | null;
}
export interface DatasetDiffResult {
  readonly a: { readonly name: string; readonly version: string; readonly rows: number };
  readonly b: { readonly name: string; readonly version: string; readonly rows: number };
  readonly schema: {
    readonly added: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly removed: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly changed: readonly { readonly name: string; readonly type?: { a: LogicalType; b: LogicalType }; readonly nullable?: { a: boolean; b: boolean } }[];
  };
  readonly columns: readonly {
    readonly name: string;
    readonly type: LogicalType;
    readonly mean: DatasetShift;
    readonly std: DatasetShift;
    readonly meanShiftInStd: number | null;
    readonly missingRate: DatasetShift;
    readonly distinct: DatasetShift;
    readonly quantiles: Readonly<Record<string, DatasetShift>> | null;
    readonly newTopValues: readonly string[];
    readonly vanishedTopValues: readonly string[];
  }[];
}

const FORMATS = ['csv', 'parquet', 'json', 'ndjson'] as const;

const MIB = 1 << 20;

function splitRef(ref: string): { name: string; version: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref, version: 'latest' } : { name: ref.slice(0, at), version: ref.slice(at + 1) || 'latest' };
}

/** Datasets over HTTP: the same calls as DatasetService. */
export class DatasetsClient {
  constructor(private readonly http: HttpTransport) {}

  async list(): Promise<DatasetListItem[]> {
    return (await this.http.request<{ datasets: DatasetListItem[] }>('GET', 'api/v1/datasets')).datasets;
  }

  async versions(name: string): Promise<DatasetVersionInfo[]> {
    return (await this.http.request<{ versions: DatasetVersionInfo[] }>('GET', `api/v1/datasets/${encodeURIComponent(name)}`)).versions;
  }

  /** `name`, `name@latest` or `name@version`. */
  get(ref: string): Promise<DatasetVersionDetail> {
    const { name, version } = splitRef(ref);
    return this.http.request('GET', `api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`);
  }

  /** A page of a version's rows (default the first 20), in stored order; timestamps as ISO strings. */
  rows(ref: string, options: { limit?: number; offset?: number; columns?: readonly string[] } = {}): Promise<DatasetRowsPage> {
    const { name, version } = splitRef(ref);
    return this.http.request('GET', `api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/rows`, undefined, {
      query: { limit: options.limit, offset: options.offset, columns: options.columns?.join(',') },
    });
  }

  diff(a: string, b: string): Promise<DatasetDiffResult> {
    return this.http.request('GET', 'api/v1/datasets/diff', undefined, { query: { a, b } });
  }

  /** Uploads a local file as a new version (the server computes schema and statistics). */
  async add(
    name: string,
    filePath: string,
    options: {
      format?: string;
      description?: string;
      /** A CSV's text encoding: utf-8 (default), latin-1 or utf-16. */
      encoding?: string;
      /** Column types replacing the sniffed ones, e.g. `{ zip: 'string' }`. */
      types?: Readonly<Record<string, LogicalType>>;
      signal?: AbortSignal;
      /** MiB sent (`task: 'upload'`); the last event says the server has the whole file and computes. */
      onProgress?: (e: { task: string; done: number; total?: number; message?: string }) => void;
    } = {},
  ): Promise<DatasetVersionDetail> {
    if (options.format !== undefined && !(FORMATS as readonly string[]).includes(options.format)) {
      throw new KeelError('INVALID_ARGUMENT', `format: unknown format '${options.format}' (known: ${FORMATS.join(', ')})`, { field: 'format' });
    }
    // Opened here so that a missing or unreadable file is a clear error before any request; the
    // body then streams from it (a dataset can be larger than the client's memory).
    let file;
    let size = 0;
    try {
      file = await open(filePath, 'r');
      const st = await file.stat();
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      size = st.size;
    } catch (e) {
      await file?.close();
      if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (/[*?[]/.test(filePath) && (e as NodeJS.ErrnoException).code === 'ENOENT')) {
        throw new KeelError('INVALID_ARGUMENT', `file: '${filePath}' is a folder or a glob; those are added on the store's own machine (without --server), one file at a time here`, { field: 'file', cause: e });
      }
      throw new KeelError('INVALID_ARGUMENT', `file: cannot read '${filePath}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { field: 'file', cause: e });
    }
    const stream = file.createReadStream({ highWaterMark: 1 << 20 });
    const { onProgress } = options;
    // Counted as the connection pulls it (a generator keeps the backpressure and the errors).
    const body = onProgress
      ? Readable.from(
          (async function* counted() {
            let sent = 0;
            for await (const chunk of stream) {
              sent += (chunk as Buffer).length;
              // In MiB: the bar prints whole numbers.
              const total = Math.max(1, Math.ceil(size / MIB));
              onProgress({ task: 'upload', done: sent < size ? sent / MIB : total, total, message: sent < size ? 'MiB sent' : 'sent; the server computes' });
              yield chunk as Buffer;
            }
          })(),
        )
      : stream;
    return this.http.upload('POST', `api/v1/datasets/${encodeURIComponent(name)}/versions`, body, {
      query: {
        format: options.format,
        description: options.description,
        encoding: options.encoding,
        types: options.types && Object.entries(options.types).map(([c, t]) => `${c}=${t}`).join(','),
        filename: basename(filePath),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Downloads a version's rows as Parquet to `destPath` (whole or not at all). */
  async download(ref: string, destPath: string): Promise<void> {
    const { name, version } = splitRef(ref);
    await this.http.download(`api/v1/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/parquet`, destPath);
  }
}
