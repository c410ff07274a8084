/**
 * A column of a plain CSV held in memory by the JS reading path (docs/datasets.md, "Plain CSV
 * files"): what the parse workers produce, the statistics read and the Parquet writer stores.
 * Numbers as doubles (ints are whole and within ±2^53, bools 0 or 1), NaN for a missing value;
 * text as codes into a dictionary, -1 for a missing value.
 */
export type PlainType = 'int' | 'float' | 'bool' | 'string';

export type PlainColumn =
  | { readonly type: 'int' | 'float' | 'bool'; readonly values: Float64Array }
  | { readonly type: 'string'; readonly codes: Int32Array; readonly dictionary: readonly string[] };
