/**
 * The names a dataset's columns take from a file's own (a CSV's header, a Parquet schema, JSON
 * keys). DuckDB's names are case-insensitive, so two names that differ only by case cannot both
 * stay; and DuckDB's own renaming of a repeated name (`a,a,a_1` became `a, a_1, a_1_1`) renamed a
 * column whose name was already unique and handed its name to another. Keel's rule: a name
 * that is unique (without case) never changes; a repeated one keeps it at its first column, and
 * each later column takes the name with the first `_N` (N = 1, 2, ...) that no other column has;
 * a blank name becomes `columnI` (I its position from 0, as `--no-header` names columns), with a
 * `_N` after it should that be taken. pandas' rule is the same with `.N` (`a, a.2, a.1`).
 */

/** A column whose name in the file could not stay. */
export interface ColumnRename {
  /** Its position in the file, from 0. */
  readonly position: number;
  /** Its name in the file, trimmed ('' when blank). */
  readonly from: string;
  /** Its name in the dataset. */
  readonly to: string;
  /** For a repeated name: the position and name of the first column with it (without case). */
  readonly repeats?: { readonly position: number; readonly name: string };
}

/** Unique names for `fileNames` (trimmed, as DuckDB trims a CSV header's), and the columns renamed. */
export function uniqueNames(fileNames: readonly string[]): { names: string[]; renames: ColumnRename[] } {
  const trimmed = fileNames.map((n) => n.trim());
  // Every name the file gives is taken: a renamed column never takes another one's name.
  const taken = new Set(trimmed.filter((n) => n !== '').map((n) => n.toLowerCase()));
  const first = new Map<string, number>();
  const names: string[] = [];
  const renames: ColumnRename[] = [];
  const free = (base: string): string => {
    if (!taken.has(base.toLowerCase())) return base;
    for (let n = 1; ; n++) if (!taken.has(`${base}_${n}`.toLowerCase())) return `${base}_${n}`;
  };
  trimmed.forEach((name, position) => {
    const key = name.toLowerCase();
    if (name !== '' && !first.has(key)) {
      first.set(key, position);
      names.push(name);
      return;
    }
    const to = free(name === '' ? `column${position}` : name);
    taken.add(to.toLowerCase());
    names.push(to);
    const at = first.get(key);
    renames.push({ position, from: name, to, ...(name !== '' && at !== undefined ? { repeats: { position: at, name: trimmed[at]! } } : {}) });
  });
  return { names, renames };
}

/** Why a column's name could not stay: `column 2 'a' repeats the name of column 1`. */
export function whyRenamed(r: ColumnRename): string {
  const column = `column ${r.position + 1}`;
  if (r.repeats === undefined) return `${column} has no name in the file`;
  const other = r.repeats.name === r.from ? `column ${r.repeats.position + 1}` : `column ${r.repeats.position + 1} '${r.repeats.name}' (names are compared without case)`;
  return `${column} '${r.from}' repeats the name of ${other}`;
}

/** What a rename says to the user: `column 2 'a' repeats the name of column 1, so it is named 'a_2'`. */
export const renameNote = (r: ColumnRename): string => `${whyRenamed(r)}, so it is named '${r.to}'`;

/**
 * Whether DuckDB may have renamed a column among `names` (its own): it adds `_N` to a repeated
 * name, and names a blank one `columnI` (CSV) or `CI` (Parquet, JSON). Only then are the file's
 * own names read.
 */
export const mayBeRenamed = (names: readonly string[]): boolean => names.some((n) => /_[0-9]+$|^column[0-9]+$|^C[0-9]+$/.test(n));

/** For an unknown column name given (`--columns`, `--type`): what the file's column of that name is named, if it was renamed. */
function renamedHint(name: string, renames: readonly ColumnRename[]): string | undefined {
  const r = renames.find((x) => x.from === name && name !== '');
  return r && renameNote(r);
}

/**
 * For an unknown column name given that differs from a column's only in case: that column.
 * Names are matched exactly (a column list is checked before DuckDB, which would take `I` for
 * `i`), and no two columns share a name without case, so `i,I` never selects one column twice.
 */
function caseHint(name: string, columns: readonly string[]): string | undefined {
  const c = columns.find((x) => x.toLowerCase() === name.toLowerCase());
  return c && `names match with case, and the column is '${c}'`;
}

/** The hints for unknown column names given: a rename of the file's column, else a column differing only in case. */
export function unknownColumnHints(names: readonly string[], columns: readonly string[], renames: readonly ColumnRename[] = []): string {
  return names
    .flatMap((n) => renamedHint(n, renames) ?? caseHint(n, columns) ?? [])
    .map((h) => `; ${h}`)
    .join('');
}
