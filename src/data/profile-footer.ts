/** The Parquet footer's part in the profile: rows, row groups, min and max hints, and which columns are grouped. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import { beyondDouble, quoteString, STORED_TYPE } from './duckdb-sql.js';
import { isNumeric, num, statValueOf, type MinMax, type ProfileColumn } from './profile-found.js';

/**
 * What the footer tells: the row and row group counts; the numeric columns' min and max (by position) as
 * valueExpr would make them, from each row group's statistics cast from their text to the
 * column's stored type (none where they are missing or do not cast); the shift of each int
 * column with values beyond ±2^53 (its min, see valueExpr); and which columns are grouped. (One GROUP BY over the metadata rows: an aggregate per column made the query take a
 * second at 300 columns.)
 */
export async function readFooter(
  con: DuckDBConnection,
  parquetPath: string,
  columns: readonly ProfileColumn[],
  share: number,
): Promise<{ rows: number; rowGroups: number; hints: Map<number, MinMax>; shifts: Map<number, bigint>; grouped: boolean[] }> {
  const path = quoteString(parquetPath);
  const file = (await con.runAndReadAll(`SELECT coalesce(sum(num_rows), 0), coalesce(sum(num_row_groups), 0) FROM parquet_file_metadata(${path})`)).getRows()[0]!;
  const rows = Number(file[0]), rowGroups = Number(file[1]);
  const types = [...new Set(columns.filter((c) => isNumeric(c.type)).map((c) => c.type))];
  // Ints as BIGINT, exact: whether a column needs a shift, and which, is decided from them.
  const stat = (t: LogicalType, f: 'min' | 'max') => {
    const value = `${f}(TRY_CAST(stats_${f}_value AS ${STORED_TYPE[t]}))`;
    return t === 'int' ? value : statValueOf(value, { name: '', type: t });
  };
  // A row group's distinct count is known where DuckDB wrote a dictionary, or where it holds only
  // nulls. (DuckDB writes some row groups of a column with a dictionary and others without.)
  const known = 'stats_distinct_count IS NOT NULL OR stats_null_count = row_group_num_rows';
  const found = (
    await con.runAndReadAll(
      `SELECT path_in_schema, sum(row_group_num_rows) FILTER (WHERE ${known}), sum(coalesce(stats_distinct_count, 0)) FILTER (WHERE ${known})${types.flatMap((t) => [', ' + stat(t, 'min'), ', ' + stat(t, 'max')]).join('')}
       FROM parquet_metadata(${path}) GROUP BY 1`,
    )
  ).getRows();
  const byName = new Map(found.map((r) => [String(r[0]), r]));
  const hints = new Map<number, MinMax>();
  const shifts = new Map<number, bigint>();
  const grouped = columns.map((c, i) => {
    const r = byName.get(c.name);
    const k = types.indexOf(c.type);
    if (r && k >= 0) {
      const min = r[3 + 2 * k], max = r[4 + 2 * k];
      if (typeof min === 'bigint' && typeof max === 'bigint' && (beyondDouble(min) || beyondDouble(max))) {
        shifts.set(i, min);
        hints.set(i, { min: 0, max: Number(max - min) });
      } else if (min !== null && max !== null) hints.set(i, { min: num(min)!, max: num(max)! });
    }
    // Grouped when the row groups whose distinct counts are known have few (or the column is bool).
    const knownRows = num(r?.[1]), distinct = num(r?.[2]);
    return share >= 1 || rows === 0 || c.type === 'bool' || (knownRows !== null && knownRows > 0 && distinct! <= share * knownRows);
  });
  return { rows, rowGroups, hints, shifts, grouped };
}
