/**
 * Files that cannot be the text their format says, told by their first bytes before DuckDB reads
 * them: DuckDB's sniffer took a PNG or an executable named .csv for a CSV whose rows do not fit its
 * header, and a file of blank lines for one whose header it could not find, naming no file.
 */
import { basename } from 'node:path';
import { invalidArgument, readHead, type DatasetFormat } from '../core/index.js';

/** What a file is, by the bytes it starts with (the kinds a user most likely names wrongly), and what to do. */
const SIGNATURES: readonly [bytes: number[], what: string, advice?: string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive', 'an Excel .xlsx workbook? Save it as CSV'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an Office document', 'an Excel .xls workbook? Save it as CSV'],
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file', 'pass --format parquet'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable (ELF)'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed', 'decompress it'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz-compressed', 'decompress it'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed', 'name it with .zst at the end'],
];

const TEXT_FORMATS: Readonly<Record<Exclude<DatasetFormat, 'parquet'>, string>> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON' };

/** Throws when `file`, of a text format, starts as another kind of file does (`start`: its first bytes). */
export function assertTextStart(file: string, format: DatasetFormat, start: Buffer): void {
  // A .zst name is read as zstd by DuckDB: its signature belongs there.
  if (format === 'parquet' || /\.zst$/i.test(file)) return;
  const found = SIGNATURES.find(([bytes]) => bytes.every((b, i) => start[i] === b));
  // A .gz name on bytes that are not gzip's: DuckDB said "IO Error: Input is not a GZIP stream: /its/path".
  if (/\.gz$/i.test(file) && !(start[0] === 0x1f && start[1] === 0x8b)) {
    const what = found ? `: it is ${found[1]}` : isText(start) ? `: it looks like uncompressed text; name it without .gz` : '';
    throw invalidArgument('file', `'${basename(file)}' is not gzip data (its name ends in .gz, but its bytes do not start as gzip's do, 1f 8b)${what}`);
  }
  if (found) throw invalidArgument('file', `'${basename(file)}' is ${found[1]}, not ${TEXT_FORMATS[format]} text${found[2] === undefined ? '' : ` (${found[2]})`}`);
}

/** Whether the first bytes are text: printable ASCII, line breaks and tabs, or UTF-8 past ASCII. */
const isText = (start: Buffer): boolean => start.length > 0 && [...start].every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);

/** Bytes of a CSV looked at for blank lines alone: a longer file of them is left to DuckDB's read. */
const BLANK_LOOK = 64 * 1024;

/**
 * Throws when the CSV `file` holds only blank lines (spaces, tabs, line breaks), as pandas' EmptyDataError does;
 * after a UTF-8 byte order mark too (DuckDB's sniffer said only `Set: true, Sniffed: false` of its header).
 */
export async function assertNotBlank(file: string, format: DatasetFormat, size: number): Promise<void> {
  // A compressed file is left to the read (a .gz name on bytes that are not gzip's is its error).
  if (format !== 'csv' || size > BLANK_LOOK || /\.(gz|zst)$/i.test(file)) return;
  const head = await readHead(file, BLANK_LOOK);
  if (head.length < BLANK_LOOK && /^(\xef\xbb\xbf)?[ \t\r\n]*$/.test(head.toString('latin1'))) {
    throw invalidArgument('file', `'${basename(file)}' holds only blank lines: no header and no rows to read`);
  }
}
