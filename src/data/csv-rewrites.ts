/**
 * CSV files pandas reads and DuckDB does not read as they are, read from rewritten copies: lines
 * of only spaces left out (csv-space-lines.ts; a file added alone), mixed line endings made one
 * (csv-line-endings.ts; a file alone, or each part of several that mixes them). A file's normal
 * read pays nothing for them: a copy is written only after its sniff or read failed as such a
 * file's does. The content hash and the version stay the files' own (the add hashes the files it
 * was given, not the copies).
 */
import type { Widening } from './csv-columns.js';
import type { CsvRewrite } from './csv-copy.js';
import { LINE_ENDINGS } from './csv-line-endings.js';
import { SPACE_LINES } from './csv-space-lines.js';
import type { ReadOptions } from './read-options.js';

const REWRITES: readonly CsvRewrite[] = [SPACE_LINES, LINE_ENDINGS];

/** What withRewrites reads: a described source (source-reader.ts' DescribedSource). */
export interface RewritableSource<S> {
  /** After the read failed: the source read another way, and why; undefined when the error is another. */
  widen(error: unknown): Promise<{ source: S; widening: Widening } | undefined>;
  /** Why the files were read again from copies before their read began, each said as a widening is. */
  readonly readAgain?: readonly string[];
}

/**
 * The source `describe` makes of the CSV `files`; when their sniff, or later their read, fails as
 * a rewrite mends (each at most once: a copy may need another), the source of the files with the
 * rewrite's copies in `workDir`, in the same order. `done`: the names of the rewrites `files` have
 * been through, given to `describe`.
 */
export async function withRewrites<S extends RewritableSource<S>>(
  describe: (files: readonly string[], done: ReadonlySet<string>) => Promise<S>,
  files: readonly string[],
  workDir: string,
  read: ReadOptions,
  done: ReadonlySet<string> = new Set(),
): Promise<S> {
  const copied = async (error: unknown): Promise<{ source: S; widening: Widening } | undefined> => {
    for (const rewrite of REWRITES) {
      if (done.has(rewrite.name)) continue;
      const copy = await rewrite.copy(error, files, workDir, read);
      if (copy) return { source: await withRewrites(describe, copy.files, workDir, read, new Set([...done, rewrite.name])), widening: copy.widening };
    }
    return undefined;
  };
  const mended = (d: S): S => ({
    ...d,
    async widen(error: unknown) {
      const again = await copied(error);
      if (again) return again;
      const next = await d.widen(error);
      return next && { ...next, source: mended(next.source) };
    },
  });
  try {
    return mended(await describe(files, done));
  } catch (e) {
    const again = await copied(e);
    if (again === undefined) throw e;
    return { ...again.source, readAgain: [again.widening.message, ...(again.source.readAgain ?? [])] };
  }
}
