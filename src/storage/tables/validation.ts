/** Row types of the validation subsystem's tables (migration 004-validation). */
export interface ValidationSchemaRow {
  dataset_name: string;
  version: number;
  /** The Schema as JSON. */
  schema_json: string;
  /** e.g. "inferred from credit@3f2a9c1d0e4b" or "file schema.json". */
  source: string;
  created_at: number;
}

export interface ValidationReferenceRow {
  dataset_name: string;
  dataset_version: string;
  /** ReferenceStats JSON in the artifact store. */
  artifact_sha256: string;
  columns: number;
  created_at: number;
}

export interface ValidationTables {
  validation_schemas: ValidationSchemaRow;
  validation_references: ValidationReferenceRow;
}
