/**
 * Keel's names (column-names.ts) for the columns of Parquet and JSON files, in place of DuckDB's:
 * the files' own names (a Parquet schema's top-level fields, the JSON objects' keys in the order
 * DuckDB meets them) renamed by Keel's rule. Read only when DuckDB may have renamed a column.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { basename } from 'node:path';
import { invalidArgument, type DatasetFormat } from '../core/index.js';
import { mayBeRenamed, uniqueNames, whyRenamed, type ColumnRename } from './column-names.js';
import { runSource, type SniffedType } from './source-sql.js';

/**
 * Keel's names for the `declared` columns (DuckDB's, in order) of `files` (`p`, DuckDB's
 * argument), or undefined when DuckDB renamed none or the files' names cannot be matched to its
 * columns. `rows`: the JSON objects DuckDB typed the columns from (undefined: its default; -1: all).
 */
export async function sourceNames(
  con: DuckDBConnection,
  files: readonly string[],
  p: string,
  format: Exclude<DatasetFormat, 'csv'>,
  declared: readonly SniffedType[],
  rows: number | undefined,
): Promise<{ names: string[]; renames: ColumnRename[] } | undefined> {
  if (!mayBeRenamed(declared.map((d) => d.name))) return undefined;
  const own = format === 'parquet' ? await parquetNames(con, files, p) : await jsonKeys(con, p, format, rows);
  if (own === undefined || own.length !== declared.length) return undefined;
  return uniqueNames(own);
}

/** DuckDB's default sample of JSON objects (its sample_size). */
const JSON_SAMPLE = 20_480;

/** The keys of the first `rows` JSON objects, each once, in the order first met (as DuckDB orders its columns). */
async function jsonKeys(con: DuckDBConnection, p: string, format: 'json' | 'ndjson', rows: number | undefined): Promise<string[]> {
  const limit = rows === -1 ? '' : ` LIMIT ${rows ?? JSON_SAMPLE}`;
  const how = format === 'json' ? 'auto' : 'newline_delimited';
  const sql = `SELECT json_keys(json) FROM read_json_objects(${p}, format = '${how}')${limit}`;
  const keys = new Set<string>();
  for (const [k] of (await runSource(con, sql, format)).getRows()) for (const key of (k as { items?: unknown[] } | null)?.items ?? []) keys.add(String(key));
  return [...keys];
}

/**
 * The top-level field names of the Parquet files' schemas, when all the files have the same ones
 * (several files are matched by DuckDB's names, which each takes from its own schema: a repeated
 * or blank name in one of files that differ is refused).
 */
async function parquetNames(con: DuckDBConnection, files: readonly string[], p: string): Promise<string[] | undefined> {
  const byFile = new Map<string, { name: string; children: number }[]>();
  for (const [file, name, children] of (await runSource(con, `SELECT file_name, name, num_children FROM parquet_schema(${p})`, 'parquet')).getRows()) {
    const fields = byFile.get(String(file)) ?? [];
    fields.push({ name: String(name ?? ''), children: Number(children ?? 0) });
    byFile.set(String(file), fields);
  }
  const lists = [...byFile.values()].map(topLevel);
  const first = lists[0];
  if (first === undefined) return undefined;
  if (lists.every((l) => l.length === first.length && l.every((n, i) => n === first[i]))) return first;
  for (const [i, list] of lists.entries()) {
    const renamed = uniqueNames(list).renames[0];
    if (renamed) throw invalidArgument('file', `${basename([...byFile.keys()][i] ?? files[i]!)}: ${whyRenamed(renamed)}; files whose columns differ are matched by name, so each file's names must be unique and not blank`);
  }
  return undefined;
}

/** The top-level fields' names of a schema listed depth first (its root first, each field with its count of children). */
function topLevel(schema: readonly { name: string; children: number }[]): string[] {
  let at = 1;
  const skip = (): void => {
    const n = schema[at++]?.children ?? 0;
    for (let i = 0; i < n; i++) skip();
  };
  const names: string[] = [];
  for (let i = 0; i < (schema[0]?.children ?? 0); i++) {
    names.push(schema[at]?.name ?? '');
    skip();
  }
  return names;
}
