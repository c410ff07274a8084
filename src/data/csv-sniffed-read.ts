/**
 * The read of a CSV's columns as they are typed now, and how to widen one that a value past the
 * sampled rows does not fit (csv-columns.ts): by itself, or after a few, every number column by all
 * its values in one pass.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogicalType } from '../core/index.js';
import {
  byValuesAggregates,
  byValuesRead,
  checkExpr,
  isNumberRead,
  numberAggregates,
  readType,
  storedType,
  widen,
  widenByNumbers,
  type CsvColumn,
} from './csv-columns.js';
import type { NumberFormat } from './csv-number-text.js';
import { sharedCast, sharedChecked, sharedCheckRead, sharedMisfit } from './csv-whole-check.js';
import { textAggregates } from './csv-text-columns.js';
import { withGivenTypes, type Sniffed, type SniffedType } from './source-sql.js';

/**
 * The widening (counted from one) at which every number column is typed by all its values in one
 * pass, rather than each in a read of its own: by then the sampled rows mislead about this file.
 * (The pass costs about one read: even at four such columns, a gain from the fifth.)
 */
const TYPE_NUMBERS_AT = 3;

/** The read of the CSV columns as they are now, and how to widen one (csv-columns.ts); `widened`: how many times so far. */
export function csvSniffed(
  con: DuckDBConnection,
  read: (ts: readonly SniffedType[]) => string,
  cols: readonly CsvColumn[],
  given: ReadonlyMap<string, LogicalType>,
  numberFormat: NumberFormat,
  widened = 0,
): Sniffed {
  // A wide file's integer columns share one check (csv-whole-check.ts), each then stored by a cast.
  const shared = sharedChecked(cols);
  const checks = new Map(cols.flatMap((c, i) => {
    const check = shared.includes(c) ? sharedCast(c) : checkExpr(c, i, numberFormat);
    return check === undefined ? [] : [[c.name, check] as const];
  }));
  const readTypes = cols.map((c) => ({ name: c.name, duckType: readType(c) }));
  const source = shared.length === 0 ? read(readTypes) : sharedCheckRead(read(readTypes), cols, shared);
  const sniffed = withGivenTypes(source, cols.map((c) => ({ name: c.name, duckType: storedType(c) })), given, checks, numberFormat);
  const settles = cols.filter((c) => c.otherOrders !== undefined && c.format !== undefined && /^(DATE|TIMESTAMP)$/.test(storedType(c))).map((c) => ({ column: c.name, message: c.otherOrders!.note, format: c.format!, others: c.otherOrders!.formats }));
  return {
    ...sniffed,
    settles,
    async widen(error) {
      // Columns empty in the sniffed rows are typed by all their values, in one pass over them.
      const next = await widen(cols, sharedMisfit(error, cols), (empty) => retypeByValues(con, read, cols, empty, byValuesAggregates('v', numberFormat), byValuesRead));
      if (!next) return undefined;
      if (widened + 1 !== TYPE_NUMBERS_AT) return { sniffed: csvSniffed(con, read, next.columns, given, numberFormat, widened + 1), widening: next.widening };
      const numbers = await retypeByValues(con, read, next.columns, next.columns.filter(isNumberRead), numberAggregates('v', numberFormat), widenByNumbers);
      const typed = new Map(numbers.map((c) => [c.name, c]));
      const changed = next.columns.filter((c) => typed.has(c.name) && typed.get(c.name)!.read !== c.read).length;
      const message = `${next.widening.message}; after ${TYPE_NUMBERS_AT} columns changed type past the sampled rows, every number column is typed by all its values (${changed} more changed)`;
      return { sniffed: csvSniffed(con, read, next.columns.map((c) => typed.get(c.name) ?? c), given, numberFormat, widened + 1), widening: { ...next.widening, message } };
    },
  };
}

/** The `targets` among the columns, each re-typed by `retype` from `aggregates` over all its values read as text (one pass). */
async function retypeByValues(
  con: DuckDBConnection,
  read: (ts: readonly SniffedType[]) => string,
  columns: readonly CsvColumn[],
  targets: readonly CsvColumn[],
  aggregates: readonly string[],
  retype: (c: CsvColumn, values: readonly unknown[]) => CsvColumn,
): Promise<CsvColumn[]> {
  const names = new Set(targets.map((c) => c.name));
  const asText = columns.map((c) => ({ name: c.name, duckType: names.has(c.name) ? 'VARCHAR' : readType(c) }));
  const values = await textAggregates(con, read(asText), [...names], undefined, aggregates);
  return targets.map((c) => retype(c, values(c.name)));
}
