/**
 * Rows of which only some end with empty fields past the header's (`1,2,` among `3,4`) leave
 * DuckDB's sniffer no dialect. Keel sniffs such a file, or parts that open with one header line,
 * again passing over the rows that do not fit, and reads them by position (csv-sniff.ts,
 * csv-parts.ts). Parts whose headers differ are read by name, DuckDB sniffing each part again as
 * it reads it, and that sniff cannot be told to pass over rows (ignore_errors would drop the rows
 * that do not fit in the read too, and widening values with them): such a part is refused, naming
 * its line, which DuckDB's error does not (nor the part).
 */
import { basename } from 'node:path';
import { invalidArgument, readHead, type KeelError } from '../core/index.js';
import { passedLines } from './csv-sample.js';
import { fileDelimiter, type ReadOptions } from './read-options.js';

/** The bytes of a part looked at: about the rows its sniff reads, on a file of short rows. */
const HEAD_BYTES = 1 << 20;

/**
 * The error naming the first part among `files` whose first rows mix rows with empty fields past
 * the header's and rows without, and the line of the first such row; undefined when none is
 * found (a zstd or UTF-16 part is not looked at).
 */
export async function trailingFieldsError(files: readonly string[], read: ReadOptions, cause: unknown): Promise<KeelError | undefined> {
  if (read.header === false || read.encoding === 'utf-16') return undefined;
  for (const file of files) {
    if (/\.zst$/i.test(file)) continue;
    const head = await readHead(file, HEAD_BYTES).catch(() => undefined);
    const found = head && mixedRows(head, fileDelimiter(read.delimiter, file), passedLines(read));
    if (found === undefined) continue;
    const extra = found.fields - found.header, fits = found.fits;
    return invalidArgument(
      'file',
      `not a readable CSV file: line ${found.line} of ${basename(file)} ends with ${extra} empty field${extra === 1 ? '' : 's'} past the header's ${found.header}, and line ${fits} does not: such rows are read as their fields in one file, or in parts read by position, but these parts are read by the names in their headers (which differ, or their date formats do), DuckDB sniffing each part as it reads it (end the rows of ${basename(file)} alike, or give the parts one header line)`,
      cause,
    );
  }
  return undefined;
}

/**
 * In `head` (a file's first bytes), the first row with empty fields past the header's (its line,
 * counted as DuckDB counts them: a line end in quotes does not count, the header's and the lines
 * passed over do) and the line of the first row with the header's fields, when there are both.
 */
function mixedRows(head: Buffer, delimiter: string, passed: (head: Buffer, at: number) => boolean): { line: number; fields: number; header: number; fits: number } | undefined {
  const text = head.toString('latin1');
  let line = 1, i = 0, fields = 1, filled = 0, quoted = false;
  let header: number | undefined;
  let trailing: { line: number; fields: number } | undefined;
  let fits: number | undefined;
  while (i < text.length) {
    // At a line's start: a line passed over whole (`skip`, comment lines).
    if (fields === 1 && filled === 0 && !quoted && (i === 0 || text[i - 1] === '\n') && passed(head, i)) {
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end + 1;
      line++;
      continue;
    }
    const ch = text[i]!;
    if (quoted) {
      const q = text.indexOf('"', i);
      if (q < 0) return undefined;
      // A doubled quote stays in the field; another closes it.
      quoted = text[q + 1] === '"';
      i = q + (quoted ? 2 : 1);
    } else if (ch === '"') {
      quoted = true;
      filled = fields;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      // A blank line is no row (DuckDB skips it).
      if (fields > 1 || filled > 0) {
        if (header === undefined) header = fields;
        else if (fields > header && filled <= header) trailing ??= { line, fields };
        else if (fields === header) fits ??= line;
        if (header !== undefined && trailing && fits !== undefined) return { ...trailing, header, fits };
      }
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      fields = 1;
      filled = 0;
    } else if (text.startsWith(delimiter, i)) {
      fields++;
      i += delimiter.length;
    } else {
      filled = fields;
      i++;
    }
  }
  return undefined;
}
