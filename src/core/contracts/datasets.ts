/**
 * The JSON shapes of the dataset endpoints (/api/v1/datasets), shared by data/, which makes them,
 * and client/, which reads them (client/ depends on core alone).
 */
import type { LogicalType } from '../table.js';

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

/** A version without its columns: the items of a dataset's version list. */
export type DatasetVersionInfo = Omit<DatasetVersion, 'columns'>;

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

/** A page of a version's rows, as JSON-ready values: numbers (ints beyond ±2^53 as decimal strings), strings, booleans, timestamps as ISO strings, null. */
export interface RowsPage {
  readonly name: string;
  readonly version: string;
  /** Rows of the whole version (for paging). */
  readonly total: number;
  readonly offset: number;
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[];
  readonly rows: readonly (readonly (number | string | boolean | null)[])[];
}

export interface Shift {
  readonly a: number | null;
  readonly b: number | null;
  /** b - a, or null when either side is missing. */
  readonly delta: number | null;
  /** delta / |a|, or null when a is 0 or either side is missing (and for a timestamp's mean and quantiles: a time has no zero). */
  readonly relative: number | null;
}

/** A shift of a location (the mean, a quantile), also in A's standard deviations. */
export interface LocationShift extends Shift {
  /** delta / A's std, or null when A's std is 0 or missing. */
  readonly inStd: number | null;
}

export interface ColumnShift {
  readonly name: string;
  readonly type: LogicalType;
  /** Whether the type or any stored statistic differs (false: the column's profile is the same). */
  readonly changed: boolean;
  /** How far the distribution of the non-missing values moved; null when a side has none or the types do not compare. */
  readonly drift: StatsDrift | null;
  readonly mean: LocationShift;
  readonly std: Shift;
  /** (b.mean - a.mean) / a.std: the same as mean.inStd. */
  readonly meanShiftInStd: number | null;
  readonly missingRate: Shift;
  readonly distinct: Shift;
  readonly quantiles: Readonly<Record<string, LocationShift>> | null;
  /** Values in B's top 20 and not in A's, and the other way round. */
  readonly newTopValues: readonly string[];
  readonly vanishedTopValues: readonly string[];
  /**
   * Each value of either version's top 20 with its share of the non-missing values in A and B (the
   * country FR: 0.355 → 0.126), the largest change first; a share is null where the value is not
   * in that version's top 20 (its count there is not stored), and such values come last.
   */
  readonly topShares: readonly TopShare[];
}

export interface TopShare extends Shift {
  readonly value: string;
}

export interface SchemaChange {
  readonly name: string;
  readonly type?: { readonly a: LogicalType; readonly b: LogicalType };
  readonly nullable?: { readonly a: boolean; readonly b: boolean };
  /**
   * With a type change: the version whose values are all missing. Its type was read from no value
   * (an all-missing column is a string), so the change may be none.
   */
  readonly allMissing?: 'a' | 'b';
}

export interface DatasetDiff {
  readonly a: { readonly name: string; readonly version: string; readonly rows: number };
  readonly b: { readonly name: string; readonly version: string; readonly rows: number };
  readonly rows: Shift;
  /** Whether both versions hold the same content (the same version, or the same rows added twice). */
  readonly sameContent: boolean;
  readonly schema: {
    readonly added: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly removed: readonly { readonly name: string; readonly type: LogicalType }[];
    readonly changed: readonly SchemaChange[];
    /** Columns of both versions that changed place (A's and B's 0-based positions). */
    readonly moved: readonly ColumnMove[];
    /** Removed and added columns that may be one column renamed: same type, alike statistics. */
    readonly renamed: readonly RenameHint[];
  };
  /** One entry per column present in both versions, in A's order. */
  readonly columns: readonly ColumnShift[];
}

export interface StatsDrift {
  /** Jensen–Shannon distance, natural log (`keel drift --method jensenshannon`): 0 alike, √ln 2 ≈ 0.833 disjoint. */
  readonly jensenShannon: number;
  /** Population stability index on zero-filled shares (`keel drift --method psi`). */
  readonly psi: number;
  /**
   * What the shares come from: `values`, every value's count (both versions have at most 20
   * distinct values, all in their top values): exact; `histogram`, A's 20 histogram bins (and one
   * below and one above them), B's counts spread evenly over each of B's bins (as TFDV rebuckets);
   * `top values`, the values counted in both versions and one share for the rest: a lower bound.
   */
  readonly basis: 'values' | 'histogram' | 'top values';
  /** The number of shares compared (bins empty in both versions are left out). */
  readonly bins: number;
}

export interface ColumnMove {
  readonly name: string;
  /** 0-based positions in A's and B's columns. */
  readonly a: number;
  readonly b: number;
}

export interface RenameHint {
  /** The removed column and the added one. */
  readonly a: string;
  readonly b: string;
  /** The Jensen–Shannon distance between their values (as ColumnShift.drift). */
  readonly jensenShannon: number;
}

/** The read options as an add is given them (the CLI's flags, the API's query, the SDK's `datasets.add` options), unchecked: data/ checks them. */
export interface ReadOptionsGiven {
  /** A CSV's text encoding: utf-8 (default), latin-1 or utf-16. */
  readonly encoding?: string;
  /** A CSV's delimiter: up to four bytes (`', '` for comma-and-space), `\t` or `tab` (default a comma; a tab for .tsv). */
  readonly delimiter?: string;
  /** A CSV's decimal separator: `.` (default) or `,` (with another delimiter). */
  readonly decimal?: string;
  /** A CSV's thousands separator, one ASCII character (pandas' `thousands`), e.g. `.` with `decimal: ','` for `1.234,5`. */
  readonly thousands?: string;
  /** A CSV's comment character (pandas' `comment`): lines that start with it are skipped, and the rest of a line after it. */
  readonly comment?: string;
  /** A CSV's spellings of a missing value besides the empty field, in every column (pandas' `na_values`), e.g. `['?']`. */
  readonly na?: readonly string[];
  /** false: a CSV without a header line, its columns `column0`, `column1`, ... (pandas' `header=None`). */
  readonly header?: boolean;
  /** The columns' names of a CSV without a header line (pandas' `names=`; implies no header line). */
  readonly names?: readonly string[];
  /** Lines of a CSV to skip before its header, a preamble (pandas' `skiprows=N`). */
  readonly skip?: number;
  /** The strptime format of a CSV's dates or timestamps (pandas' `date_format`), e.g. `%m/%d/%Y` for 05/01/2024 as 1 May. */
  readonly dateFormat?: string;
  /** true: a CSV's rows with fewer fields than the header are read with the missing ones as missing values (pandas' NaN); refused by default. */
  readonly fillShortRows?: boolean;
  /** The only columns to keep, in the file's order (pandas' `usecols`); all when undefined. */
  readonly columns?: readonly string[];
  /** Column types that replace the sniffed or declared ones, e.g. `{ zip: 'string' }`. */
  readonly types?: Readonly<Record<string, string>>;
}
