export interface DatasetTables {
  datasets: {
    name: string;
    description: string | null;
    created_at: number;
    /** The last change: a version added or the description changed (migration 008 filled the older rows). */
    updated_at: number;
  };
  dataset_versions: {
    dataset_name: string;
    /** First 12 hex of the content hash: short, stable, and the same for identical content. */
    version: string;
    content_sha256: string;
    /** sha256 of the Parquet artifact holding the rows. */
    artifact_sha256: string;
    source: string;
    num_rows: number;
    /** JSON: the column schema and statistics (ColumnProfile[]). */
    profile_json: string;
    created_at: number;
  };
}
