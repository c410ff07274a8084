import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lineEndings } from './csv-line-endings.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

describe('lineEndings', () => {
  it('finds the first line of each ending, not counting a line break inside quotes', () => {
    expect(lineEndings(Buffer.from('a,b\r\n1,2\n'))).toEqual({ crlf: 1, lf: 2 });
    expect(lineEndings(Buffer.from('a,b\n1,"x\r\ny"\n2,3\r\n'))).toEqual({ lf: 1, crlf: 3 });
    expect(lineEndings(Buffer.from('a,b\r\n1,"x\ny"\r\n'))).toEqual({ crlf: 1 });
  });
});

describe('a CSV of mixed line endings', () => {
  const t = sqliteTestService();

  it('is refused naming the file and a line of each kind, storing nothing', async () => {
    // pandas reads it; DuckDB's sniffer finds no dialect, and Keel said only that its rows did not fit the header.
    const path = join(t.dir, 'mixed.csv');
    writeFileSync(path, 'a,b\r\n1,2\r\n3,4\n5,6\r\n');
    const e = await expectKeelError(t.service.add('mixed', path), 'INVALID_ARGUMENT', /^file: 'mixed\.csv' mixes line endings: line 1 ends in \\r\\n \(Windows\), line 3 in \\n alone/);
    expect(e.field).toBe('file');
    writeFileSync(`${path}.gz`, gzipSync('a,b\n1,2\r\n'));
    await expectKeelError(t.service.add('mixed', `${path}.gz`), 'INVALID_ARGUMENT', /'mixed\.csv\.gz' mixes line endings: line 2 ends in \\r\\n \(Windows\), line 1 in \\n alone/);
    expect(await t.service.list()).toEqual([]);
    expect(t.blobs()).toEqual([]);
    // One kind throughout, with a \n in a quoted value of a \r\n file, is read.
    writeFileSync(path, 'a,b\r\n1,"x\ny"\r\n');
    expect((await t.service.add('mixed', path)).rows).toBe(1);
  });
});

describe('a CSV of binary bytes', () => {
  const t = sqliteTestService();

  it('is refused naming the file and its first control byte, storing nothing', async () => {
    // Keel said only that its rows did not all have the header's fields.
    const path = join(t.dir, 'bin.csv');
    // 4 KiB of pseudo-random bytes (the same each run), after a first line of text.
    let seed = 1;
    const noise = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 23));
    writeFileSync(path, Buffer.concat([Buffer.from('abc\x01\n'), noise]));
    await expectKeelError(t.service.add('bin', path), 'INVALID_ARGUMENT', /^file: 'bin\.csv' does not look like CSV text: byte 4 is 0x01, a control character/);
    expect(await t.service.list()).toEqual([]);
    expect(t.blobs()).toEqual([]);
  });
});
