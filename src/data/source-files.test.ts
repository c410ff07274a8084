import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, resolveSourceFiles } from './source-files.js';

describe('resolveSourceFiles and contentHash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-content-hash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is a file's sha256, and for several the sha256 of their sha256s in order", async () => {
    // 20 files: more than are hashed at once, so the order must hold across batches.
    const files = Array.from({ length: 20 }, (_, i) => {
      const path = join(dir, `part-${String(i).padStart(2, '0')}.csv`);
      writeFileSync(path, `x\n${i}\n`.repeat(i + 1));
      return path;
    });
    const sums = execFileSync('sha256sum', files, { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' ')[0]!);
    expect(await contentHash([files[3]!])).toBe(sums[3]);
    expect(await contentHash(files)).toBe(createHash('sha256').update(sums.join('\n')).digest('hex'));
    expect(await contentHash([...files].reverse())).toBe(createHash('sha256').update([...sums].reverse().join('\n')).digest('hex'));
  });

  it('names the first unreadable part of a folder, in path order', async () => {
    const parts = join(dir, 'parts');
    mkdirSync(parts);
    for (let i = 0; i < 40; i++) writeFileSync(join(parts, `part-${String(i).padStart(2, '0')}.csv`), [5, 36, 38].includes(i) ? '' : 'x\n1\n');
    await expect(resolveSourceFiles(parts, undefined)).rejects.toThrow(/part-05.csv' is empty/);
    writeFileSync(join(parts, 'part-05.csv'), 'x\n1\n');
    await expect(resolveSourceFiles(parts, undefined)).rejects.toThrow(/part-36.csv' is empty/);
    writeFileSync(join(parts, 'part-36.csv'), 'x\n1\n');
    writeFileSync(join(parts, 'part-38.csv'), 'x\n1\n');
    expect((await resolveSourceFiles(parts, undefined)).files).toHaveLength(40);
  });

  it('refuses a pipe at once, without waiting for a writer that may never come', async () => {
    const fifo = join(dir, 'rows.csv');
    execFileSync('mkfifo', [fifo]);
    // open() of a FIFO with no writer would wait for ever: the add hung, and one Ctrl-C did not stop it.
    const refused = await Promise.race([resolveSourceFiles(fifo, undefined).then(() => 'read', (e: Error) => e.message), new Promise((r) => setTimeout(() => r('waited'), 2000))]);
    expect(refused).toBe(`file: '${fifo}' is not a regular file (a pipe)`);
  });

  it('refuses a file of another kind named as text, or of blank lines alone, naming it and what it is', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const cases: [string, Buffer | string, string | undefined, string][] = [
      ['img.csv', png, undefined, "'img.csv' is a PNG image, not CSV text"],
      ['ls.csv', readFileSync('/bin/ls'), undefined, "'ls.csv' is an executable (ELF), not CSV text"],
      ['book.csv', Buffer.from('504b030414000600', 'hex'), undefined, "'book.csv' is a ZIP archive, not CSV text (an Excel .xlsx workbook? Save it as CSV)"],
      ['table.csv', Buffer.from('PAR1\x15\x04', 'latin1'), undefined, "'table.csv' is a Parquet file, not CSV text (pass --format parquet)"],
      ['img.json', png, undefined, "'img.json' is a PNG image, not JSON text"],
      ['rows.txt', png, 'ndjson', "'rows.txt' is a PNG image, not NDJSON text"],
      ['blank.csv', '\n\n\n', undefined, "'blank.csv' holds only blank lines: no header and no rows to read"],
      ['spaces.csv', ' \t \r\n  \n', undefined, "'spaces.csv' holds only blank lines: no header and no rows to read"],
      // A UTF-8 byte order mark alone, or before blank lines: DuckDB's sniffer said `Set: true, Sniffed: false`.
      ['bom.csv', '\ufeff', undefined, "'bom.csv' holds only blank lines: no header and no rows to read"],
      ['bom-lines.csv', '\ufeff\r\n\n', undefined, "'bom-lines.csv' holds only blank lines: no header and no rows to read"],
      // DuckDB said "IO Error: Input is not a GZIP stream: /the/full/path".
      ['plain.csv.gz', 'a,b\n1,2\n', undefined, "'plain.csv.gz' is not gzip data (its name ends in .gz, but its bytes do not start as gzip's do, 1f 8b): it looks like uncompressed text; name it without .gz"],
      ['zst.ndjson.gz', Buffer.from('28b52ffd00000000', 'hex'), undefined, "'zst.ndjson.gz' is not gzip data (its name ends in .gz, but its bytes do not start as gzip's do, 1f 8b): it is zstd-compressed"],
    ];
    for (const [name, content, format, message] of cases) {
      writeFileSync(join(dir, name), content);
      await expect(resolveSourceFiles(join(dir, name), format)).rejects.toThrow(`file: ${message}`);
    }
    // A part of a folder too; a real Parquet named so, and a CSV of a header alone, are read.
    const parts = join(dir, 'kinds');
    mkdirSync(parts);
    writeFileSync(join(parts, 'a.csv'), 'x\n1\n');
    writeFileSync(join(parts, 'b.csv'), png);
    await expect(resolveSourceFiles(parts, undefined)).rejects.toThrow("file: 'b.csv' is a PNG image, not CSV text");
    writeFileSync(join(dir, 'p.parquet'), Buffer.from('PAR1\x15\x04', 'latin1'));
    expect((await resolveSourceFiles(join(dir, 'p.parquet'), undefined)).format).toBe('parquet');
    writeFileSync(join(dir, 'header.csv'), 'x,y\n');
    expect((await resolveSourceFiles(join(dir, 'header.csv'), undefined)).files).toHaveLength(1);
  });
});
