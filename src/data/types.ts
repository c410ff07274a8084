import type { LogicalType } from '../core/index.js';

/** Per-column statistics stored with every dataset version (and reused as reference statistics). */
export interface ColumnStats {
  readonly count: number;
  readonly missing: number;
  /** Numeric and timestamp columns (timestamps in epoch ms); null for strings. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly std: number | null;
  /** Exact up to 100k rows and for low-cardinality columns; estimated above (docs/datasets.md). */
  readonly distinct: number;
  /** p01 p05 p25 p50 p75 p95 p99; null for strings. */
  readonly quantiles: Readonly<Record<'p01' | 'p05' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99', number>> | null;
  /** The 20 most frequent values with counts, most frequent first (values as strings). */
  readonly top: readonly { readonly value: string; readonly count: number }[];
  /** 20 equal-width bins over [min, max] for numeric columns; null for strings. */
  readonly histogram: { readonly edges: readonly number[]; readonly counts: readonly number[] } | null;
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: LogicalType;
  readonly nullable: boolean;
  readonly stats: ColumnStats;
}

/** The JSON shape of `keel data show --json` and GET /api/v1/datasets/:name/versions/:version. */
export interface DatasetVersion {
  readonly name: string;
  readonly version: string;
  readonly rows: number;
  readonly contentSha256: string;
  /** The Parquet artifact in the artifact store. */
  readonly artifactSha256: string;
  readonly source: string;
  readonly createdAt: number;
  readonly columns: readonly ColumnProfile[];
}

/**
 * An add's answer: the version; whether this add stored it (false: the same content, read the
 * same way, was already stored, and this is that version); and what the add noted as it went
 * (columns renamed, types widened after the sampled rows), when it noted anything.
 */
export interface AddedVersion extends DatasetVersion {
  readonly created: boolean;
  readonly notes?: readonly string[];
}

export interface DatasetSummary {
  readonly name: string;
  /** The last `--description` given when adding to it. */
  readonly description: string | null;
  readonly versions: number;
  readonly latest: string | null;
  readonly rows: number | null;
  readonly updatedAt: number | null;
}
