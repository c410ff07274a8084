/**
 * One check for all of a wide CSV's integer columns read as DOUBLE (csv-columns.ts' `whole`),
 * in place of one `CASE` each: DuckDB plans a `CASE` per column slowly (about 0.45 ms of CPU a
 * column, seconds at thousands), where one `WHERE` over a list of their values plans in a
 * fraction of that. The columns are then stored by a plain cast, exact once the test passed.
 *
 * A row that fails the test fails the read naming its first misfit column and value (the
 * position in the list of checked columns, in the error itself: no second read), which
 * sharedMisfit turns into the per-column check's mark, so that the widening and what the user
 * is told are the same as the per-column check's.
 */
import { quoteIdent } from './duckdb-sql.js';
import { MISFIT_MARK, type CsvColumn } from './csv-columns.js';

/**
 * Integer columns to check (`whole`) from which one shared check replaces theirs. Below it the
 * per-column checks' planning costs little and their runtime no more (see docs/datasets.md).
 */
export const SHARED_CHECK_COLUMNS = 100;

const MARK = 'keel-misfit-at';
const LIMIT = 9007199254740992;

/** A value read as DOUBLE that the column stores exactly as BIGINT: missing, or whole and below 2^53. */
const fits = (x: string): string => `(${x} IS NULL OR (${x} = trunc(${x}) AND abs(${x}) < ${LIMIT}))`;

/** The columns whose checks one shared check replaces: the `whole` ones, when there are enough. */
export function sharedChecked(cols: readonly CsvColumn[]): CsvColumn[] {
  const whole = cols.filter((c) => c.read === 'whole');
  return whole.length >= SHARED_CHECK_COLUMNS ? whole : [];
}

/**
 * The read with its rows filtered by the check of its `checked` columns (sharedChecked's, in
 * order): their values in one list, a column of the read, true when every one fits, else an
 * error `keel-misfit-at:POSITION:VALUE` naming the first that does not (its position among them,
 * from 1). DuckDB evaluates the `ELSE` only for a row that fails.
 */
export function sharedCheckRead(read: string, cols: readonly CsvColumn[], checked: readonly CsvColumn[]): string {
  // The list's name, not a column's.
  let list = 'keel_whole';
  while (cols.some((c) => c.name === list)) list += '_';
  const l = quoteIdent(list);
  const position = `list_position(list_transform(${l}, x -> ${fits('x')}), false)`;
  const check = `CASE WHEN list_bool_and(list_transform(${l}, x -> ${fits('x')})) THEN true ELSE error('${MARK}:' || ${position} || ':' || ${l}[${position}]::VARCHAR) END`;
  return `(SELECT * FROM (SELECT *, [${checked.map((c) => quoteIdent(c.name)).join(', ')}] AS ${l} FROM ${read}) WHERE ${check})`;
}

/** The stored value of a column the shared check covers. */
export const sharedCast = (c: CsvColumn): string => `CAST(${quoteIdent(c.name)} AS BIGINT)`;

/**
 * The read's `error` with a shared check's mark put as the per-column check's (`keel-misfit:`
 * with the column's index in `cols`, and whether the value is a fraction or beyond 2^53), which
 * widen() reads; any other error as it is.
 */
export function sharedMisfit(error: unknown, cols: readonly CsvColumn[]): unknown {
  const msg = (error as Error | undefined)?.message ?? '';
  const m = new RegExp(`${MARK}:(\\d+):(.*)`).exec(msg);
  const checked = sharedChecked(cols);
  const c = m ? checked[Number(m[1]) - 1] : undefined;
  if (!m || c === undefined) return error;
  const value = m[2]!.split('\n')[0]!;
  // DuckDB writes a DOUBLE so that it reads back the same: a whole one is beyond 2^53 (`1e+20`);
  // any other (`1.5`, `inf`, `nan`) is not whole, as the per-column check tells them apart.
  const kind = Number.isInteger(Number(value)) ? 'big' : 'fraction';
  return new Error(`${MISFIT_MARK}:${cols.indexOf(c)}:${kind}:${value}`);
}
