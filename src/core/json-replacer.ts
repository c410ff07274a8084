/**
 * JSON.stringify's replacer for what Keel writes as JSON, the CLI's `--json` and the API's bodies
 * alike, so that a command prints the same through `--server` as locally: NaN and ±Infinity
 * survive as strings, as MLflow writes them (JSON.stringify alone would write null, which reads
 * as "missing"); a bigint becomes a number (JSON.stringify alone would throw).
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** A number as jsonReplacer wrote it, back: 'NaN', 'Infinity' and '-Infinity' become numbers again. */
export function fromJsonNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}
