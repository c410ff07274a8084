import { driftReportFromJson, type DriftColumn, type DriftDistribution, type DriftReportOf } from '../core/index.js';
import { checkOptions, optional, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

/**
 * The validation API over HTTP. Shapes are the JSON of src/validation's types (Schema,
 * DriftReport, AnomalyReport), kept loose here because client/ depends on core only.
 */
export type SchemaJson = { readonly format: 1; readonly columns: readonly unknown[] } & Readonly<Record<string, unknown>>;

/** A column's drift verdict as `.drift` and `.validate` answer it (validation's ColumnDrift). */
export interface DriftColumnJson extends DriftColumn {
  readonly type: string;
  readonly referenceSize: number;
  readonly currentSize: number;
  /** With `distributions: true`: binned shares of the reference and the current rows. */
  readonly distribution?: DriftDistribution;
}

/** What `.drift` answers (validation's DriftReport), its numbers numbers (Infinity included). */
export type DriftReportJson = DriftReportOf<DriftColumnJson>;

/** What `.validate` answers (validation's ValidationResult without the version). */
export interface ValidationResultJson {
  readonly batch: string;
  readonly schemaSource: string;
  readonly against: string | null;
  readonly report: {
    readonly rows: number;
    readonly anomalies: readonly { readonly column: string; readonly kind: string; readonly severity: string; readonly description: string; readonly details: Readonly<Record<string, unknown>> }[];
    readonly errors: number;
    readonly warnings: number;
    readonly drift?: DriftReportJson;
  };
}

export interface SavedSchemaJson<S = SchemaJson> {
  readonly dataset: string;
  readonly version: number;
  readonly source: string;
  readonly createdAt: number;
  readonly schema: S;
}

/** A drift report's JSON, as far as the client reads it: its columns' non-finite numbers come as strings. */
type DriftJson = { readonly columns: readonly object[] };

export interface DriftOptionsJson {
  readonly method?: string | Readonly<Record<string, string>>;
  readonly threshold?: number | Readonly<Record<string, number>>;
  readonly datasetDriftShare?: number;
  readonly columns?: readonly string[];
  readonly distributions?: boolean;
}

/** What `keel validate` and `keel schema` call, locally or through this client. */
export interface ValidationApi<S = SchemaJson, V = ValidationResultJson, D = DriftReportJson> {
  inferSchema(ref: string, options?: { maxDomainSize?: number }): Promise<S>;
  saveSchema(dataset: string, schema: S, source?: string): Promise<SavedSchemaJson<S>>;
  getSchema(dataset: string, version?: number): Promise<SavedSchemaJson<S>>;
  listSchemas(dataset: string): Promise<Omit<SavedSchemaJson<S>, 'schema'>[]>;
  validate(ref: string, options?: { schema?: S; against?: string; distributions?: boolean }): Promise<V>;
  drift(reference: string, current: string, options?: DriftOptionsJson): Promise<D>;
}

// Each call's options and their kinds, under the names of the server's bodies (/api/v1/schemas/infer, /validate, /drift).
const INFER_OPTIONS: OptionTable<'maxDomainSize'> = { maxDomainSize: 'integer' };
const VALIDATE_OPTIONS: OptionTable<'schema' | 'against' | 'distributions'> = { schema: 'object', against: 'string', distributions: 'boolean' };
const DRIFT_OPTIONS: OptionTable<keyof DriftOptionsJson> = {
  method: ['string', 'stringMap'], threshold: ['number', 'numberMap'], datasetDriftShare: 'number', columns: 'strings', distributions: 'boolean',
};

export class ValidationClient<S = SchemaJson, V = ValidationResultJson, D = DriftReportJson> implements ValidationApi<S, V, D> {
  constructor(private readonly http: HttpTransport) {}

  async inferSchema(ref: string, options: { maxDomainSize?: number } = {}): Promise<S> {
    required('ref', ref, 'name');
    checkOptions('options', options, INFER_OPTIONS);
    return this.http.request('POST', 'api/v1/schemas/infer', { dataset: ref, ...options });
  }

  async saveSchema(dataset: string, schema: S, source?: string): Promise<SavedSchemaJson<S>> {
    required('dataset', dataset, 'name');
    required('schema', schema, 'object');
    optional('source', source, 'string');
    return this.http.request('POST', `api/v1/schemas/${encodeURIComponent(dataset)}`, { schema, ...(source ? { source } : {}) });
  }

  async getSchema(dataset: string, version?: number): Promise<SavedSchemaJson<S>> {
    required('dataset', dataset, 'name');
    optional('version', version, 'integer');
    return this.http.request('GET', `api/v1/schemas/${encodeURIComponent(dataset)}`, undefined, { query: { version } });
  }

  async listSchemas(dataset: string): Promise<Omit<SavedSchemaJson<S>, 'schema'>[]> {
    required('dataset', dataset, 'name');
    return (await this.http.request<{ versions: Omit<SavedSchemaJson<S>, 'schema'>[] }>('GET', `api/v1/schemas/${encodeURIComponent(dataset)}/versions`)).versions;
  }

  async validate(ref: string, options: { schema?: S; against?: string; distributions?: boolean } = {}): Promise<V> {
    required('ref', ref, 'name');
    checkOptions('options', options, VALIDATE_OPTIONS);
    const result = await this.http.request<{ report: { drift?: DriftJson } }>('POST', 'api/v1/validate', { dataset: ref, ...options });
    const { drift } = result.report;
    return (drift ? { ...result, report: { ...result.report, drift: driftReportFromJson(drift) } } : result) as V;
  }

  async drift(reference: string, current: string, options: DriftOptionsJson = {}): Promise<D> {
    required('reference', reference, 'name');
    required('current', current, 'name');
    checkOptions('options', options, DRIFT_OPTIONS);
    return driftReportFromJson(await this.http.request<DriftJson>('POST', 'api/v1/drift', { reference, current, ...options })) as D;
  }
}
