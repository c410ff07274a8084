import { invalidArgument, KeelError, type HistoryEntry, type ModelLineage, type ModelSignature, type ModelStage, type ModelVersion, type Page, type RegisteredModel, type SearchOptions, type TensorSpec } from '../core/index.js';
import { checkOptions, required, type OptionTable } from './arguments.js';
import type { HttpTransport } from './http.js';

// The registry's JSON shapes are core's (core/contracts/registry.ts), which registry/ makes; the
// SDK's names for them follow.
export type TensorSpecInfo = TensorSpec;
export type ModelSignatureInfo = ModelSignature;
export type ModelStageName = ModelStage;
export type ModelLineageInfo = ModelLineage;
export type ModelVersionInfo = ModelVersion;
export type RegisteredModelInfo = RegisteredModel;
export type RegistryHistoryEntry = HistoryEntry;
export type RegistryPage<T> = Page<T>;
export type RegistrySearch = SearchOptions;

export interface RegisterModelOptions {
  /** Exactly one source: the ONNX bytes, an artifact already stored, or a run's artifact. */
  readonly onnx?: Uint8Array;
  readonly artifactSha256?: string;
  readonly runId?: string;
  readonly artifactPath?: string;
  readonly signature?: ModelSignatureInfo;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly lineage?: ModelLineageInfo;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

const seg = (s: string | number): string => encodeURIComponent(String(s));

// Each call's options and their kinds, under the names of the server's body or query (/api/v1/models...).
const SEARCH_OPTIONS: OptionTable<keyof RegistrySearch> = { filter: 'string', orderBy: 'strings', maxResults: 'integer', pageToken: 'string' };
const CREATE_MODEL_OPTIONS: OptionTable<'description' | 'tags'> = { description: 'string', tags: 'stringMap' };
const UPDATE_MODEL_PATCH: OptionTable<'description' | 'newName'> = { description: 'string', newName: 'string' };
const TENSOR_SPEC: OptionTable<keyof TensorSpecInfo> = { name: 'string', type: 'string', shape: 'integers' };
const REGISTER_OPTIONS: OptionTable<keyof RegisterModelOptions> = {
  onnx: 'bytes', artifactSha256: 'name', runId: 'name', artifactPath: 'string',
  signature: { fields: { inputs: { items: TENSOR_SPEC }, outputs: { items: TENSOR_SPEC } } satisfies OptionTable<keyof ModelSignatureInfo> },
  metrics: 'numberMap',
  lineage: { fields: { runId: 'string', datasetVersions: 'strings', codeVersion: 'string' } satisfies OptionTable<keyof ModelLineageInfo> },
  description: 'string', tags: 'stringMap',
};
const STAGE_OPTIONS: OptionTable<'archiveExistingVersions'> = { archiveExistingVersions: 'boolean' };
const HISTORY_OPTIONS: OptionTable<'alias' | 'version'> = { alias: 'string', version: 'integer' };

function searchQuery(o: RegistrySearch): Record<string, string | number | undefined> {
  checkOptions('options', o, SEARCH_OPTIONS);
  // One order_by term per call over the query string keeps the transport simple.
  if ((o.orderBy?.length ?? 0) > 1) throw new KeelError('INVALID_ARGUMENT', 'orderBy: the SDK sends one order term', { field: 'orderBy' });
  return { filter: o.filter, orderBy: o.orderBy?.[0], maxResults: o.maxResults, pageToken: o.pageToken };
}

/** Keel's registry over HTTP (/api/v1/models...). MLflow clients use the /api/2.0/mlflow routes instead. */
export class RegistryClient {
  constructor(private readonly http: HttpTransport) {}

  async listModels(options: RegistrySearch = {}): Promise<RegistryPage<RegisteredModelInfo>> {
    return this.http.request('GET', 'api/v1/models', undefined, { query: searchQuery(options) });
  }

  async createModel(name: string, options: { description?: string; tags?: Readonly<Record<string, string>> } = {}): Promise<RegisteredModelInfo> {
    required('name', name, 'name');
    checkOptions('options', options, CREATE_MODEL_OPTIONS);
    return this.http.request('POST', 'api/v1/models', { name, ...options });
  }

  async getModel(name: string): Promise<RegisteredModelInfo> {
    required('name', name, 'name');
    return this.http.request('GET', `api/v1/models/${seg(name)}`);
  }

  async updateModel(name: string, patch: { description?: string; newName?: string }): Promise<RegisteredModelInfo> {
    required('name', name, 'name');
    checkOptions('patch', patch, UPDATE_MODEL_PATCH);
    return this.http.request('PATCH', `api/v1/models/${seg(name)}`, patch);
  }

  async deleteModel(name: string): Promise<void> {
    required('name', name, 'name');
    await this.http.request('DELETE', `api/v1/models/${seg(name)}`);
  }

  /** Registers the next version of `name` (created if missing); the signature is read from the ONNX file. */
  async registerModel(name: string, options: RegisterModelOptions): Promise<ModelVersionInfo> {
    required('name', name, 'name');
    // A path given as `onnx` would go up as the path's own bytes.
    checkOptions('options', options, REGISTER_OPTIONS);
    const { onnx, ...rest } = options;
    // Checked here, in the SDK's names: the server's error names its body's `onnxBase64`.
    if ([onnx, rest.artifactSha256, rest.runId].filter((s) => s !== undefined).length !== 1) {
      throw invalidArgument('source', 'give exactly one of onnx (the ONNX bytes), artifactSha256, or runId with artifactPath');
    }
    return this.http.request('POST', `api/v1/models/${seg(name)}/versions`, { ...rest, ...(onnx !== undefined ? { onnxBase64: Buffer.from(onnx).toString('base64') } : {}) });
  }

  async listVersions(name: string, options: RegistrySearch = {}): Promise<RegistryPage<ModelVersionInfo>> {
    required('name', name, 'name');
    return this.http.request('GET', `api/v1/models/${seg(name)}/versions`, undefined, { query: searchQuery(options) });
  }

  async getVersion(name: string, version: number): Promise<ModelVersionInfo> {
    required('name', name, 'name');
    required('version', version, 'integer');
    return this.http.request('GET', `api/v1/models/${seg(name)}/versions/${seg(version)}`);
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    required('name', name, 'name');
    required('version', version, 'integer');
    await this.http.request('DELETE', `api/v1/models/${seg(name)}/versions/${seg(version)}`);
  }

  /** The ONNX bytes of a version. */
  async downloadOnnx(name: string, version: number): Promise<Uint8Array> {
    required('name', name, 'name');
    required('version', version, 'integer');
    return this.http.bytes(`api/v1/models/${seg(name)}/versions/${seg(version)}/onnx`);
  }

  /** `name@alias`, `name/3`, `name/Production` or `name` (the newest version). */
  async resolve(ref: string): Promise<ModelVersionInfo> {
    required('ref', ref, 'name');
    return this.http.request('GET', 'api/v1/model-resolve', undefined, { query: { ref } });
  }

  async setAlias(name: string, alias: string, version: number): Promise<ModelVersionInfo> {
    required('name', name, 'name');
    required('alias', alias, 'name');
    required('version', version, 'integer');
    return this.http.request('PUT', `api/v1/models/${seg(name)}/aliases/${seg(alias)}`, { version });
  }

  async deleteAlias(name: string, alias: string): Promise<boolean> {
    required('name', name, 'name');
    required('alias', alias, 'name');
    return (await this.http.request<{ deleted: boolean }>('DELETE', `api/v1/models/${seg(name)}/aliases/${seg(alias)}`)).deleted;
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersionInfo> {
    required('name', name, 'name');
    required('alias', alias, 'name');
    return this.http.request('GET', `api/v1/models/${seg(name)}/aliases/${seg(alias)}`);
  }

  async transitionStage(name: string, version: number, stage: ModelStageName | string, options: { archiveExistingVersions?: boolean } = {}): Promise<ModelVersionInfo> {
    required('name', name, 'name');
    required('version', version, 'integer');
    required('stage', stage, 'name');
    checkOptions('options', options, STAGE_OPTIONS);
    return this.http.request('POST', `api/v1/models/${seg(name)}/versions/${seg(version)}/stage`, { stage, ...options });
  }

  async history(name: string, options: { alias?: string; version?: number } = {}): Promise<readonly RegistryHistoryEntry[]> {
    required('name', name, 'name');
    checkOptions('options', options, HISTORY_OPTIONS);
    return this.http.request('GET', `api/v1/models/${seg(name)}/history`, undefined, { query: { alias: options.alias, version: options.version } });
  }
}
