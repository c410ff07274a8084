/** Row types of the model registry (migration 003-registry). */
export interface RegistryTables {
  registered_models: {
    name: string;
    description: string | null;
    created_at: number;
    updated_at: number;
  };
  registered_model_tags: {
    model_name: string;
    key: string;
    value: string;
  };
  model_versions: {
    model_name: string;
    version: number;
    /** The URI or reference the version was created from (`runs:/...`, `artifact:<sha256>`, ...). */
    source: string;
    run_id: string | null;
    /** The ONNX blob in the artifact store; null when an MLflow source is not an ONNX model. */
    artifact_sha256: string | null;
    artifact_size: number | null;
    /** JSON: ModelSignature. */
    signature_json: string;
    /** JSON: Record<string, number> (non-finite numbers as strings). */
    metrics_json: string;
    /** JSON: { runId?, datasetVersions?, codeVersion? }. */
    lineage_json: string;
    description: string | null;
    stage: string;
    status: string;
    created_by: string;
    created_at: number;
    updated_at: number;
    /** 0 or 1: a deleted version is kept as a tombstone so that its number is never reused. */
    deleted: number;
  };
  model_version_tags: {
    model_name: string;
    version: number;
    key: string;
    value: string;
  };
  registered_model_aliases: {
    model_name: string;
    alias: string;
    version: number;
  };
  registry_history: {
    id: string;
    /** Orders entries written in the same millisecond. */
    seq: number;
    model_name: string;
    kind: 'alias' | 'stage';
    alias: string | null;
    version: number | null;
    from_value: string | null;
    to_value: string | null;
    actor: string;
    at: number;
  };
}
