import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { queryMessage } from './advice-error.js';
import type { AddDatasetOptions } from './dataset-service.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Rows with fewer fields than the header. pandas (1.5) fills their missing trailing fields with
// NaN without a word; Keel refuses them unless asked (--fill-short-rows).

describe('short rows', () => {
  const t = sqliteTestService();

  /** The version's columns (name:type:missing), its rows and version, of `text` added as `name`. */
  async function add(name: string, text: string, read: AddDatasetOptions = {}) {
    const path = join(t.dir, `${name}.csv`);
    writeFileSync(path, text);
    const v = await t.service.add(name, path, read);
    return { version: v.version, columns: v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`), rows: (await t.service.rows(`${name}@${v.version}`, { limit: 5 })).rows };
  }

  it('are refused by default, the error naming the option that reads them', async () => {
    const path = join(t.dir, 'short.csv');
    writeFileSync(path, 'a,b,c\n1,x\n2,y,3\n');
    const e = await expectKeelError(t.service.add('short', path), 'INVALID_ARGUMENT', /line 2 of short.csv has 2 fields where the header has 3/);
    expect(e.message).toContain('to read short rows with their missing fields missing, as pandas does: --fill-short-rows)');
    expect(queryMessage(e)).toContain('as pandas does: ?fillShortRows=true)');
  });

  it('are read with their missing fields missing when asked, among the sampled rows and past them, quoted line breaks too', async () => {
    // pandas: a [1, 2], b ['x', 'y'], c [NaN, 3.0] (float64: NaN; Keel's int holds a missing value).
    const found = await add('short', 'a,b,c\n1,x\n2,y,3\n', { fillShortRows: true });
    expect(found.columns).toEqual(['a:int:0', 'b:string:0', 'c:int:1']);
    expect(found.rows).toEqual([[1, 'x', null], [2, 'y', 3]]);
    // DuckDB's parallel reader refuses null padding at a quoted line break.
    // pandas: b ['x', 'y\nz', NaN], c [NaN, 3.0, NaN].
    const quoted = await add('quoted', 'a,b,c\n1,x\n2,"y\nz",3\n3\n', { fillShortRows: true });
    expect(quoted.rows).toEqual([[1, 'x', null], [2, 'y\nz', 3], [3, null, null]]);
    // 25,000 rows (DuckDB sniffs 20,480), then a short one: the read fills it.
    const late = await add('late', `a,b,c\n${'1,x,2\n'.repeat(25_000)}3\n`, { fillShortRows: true });
    expect(late.columns).toEqual(['a:int:0', 'b:string:1', 'c:int:1']);
    expect((await t.service.rows(`late@${late.version}`, { offset: 25_000 })).rows).toEqual([[3, null, null]]);
  });

  it('still refuses a row with a value past the header fields, and the option is part of the version', async () => {
    const path = join(t.dir, 'long.csv');
    writeFileSync(path, 'a,b\n1,2\n3,4,5\n');
    await expectKeelError(t.service.add('long', path, { fillShortRows: true }), 'INVALID_ARGUMENT', /line 3 of long.csv has more than 2 fields/);
    const plain = await add('whole', 'a,b\n1,2\n');
    const filled = await add('whole', 'a,b\n1,2\n', { fillShortRows: true });
    expect(filled.version).not.toBe(plain.version);
    expect((await add('whole', 'a,b\n1,2\n', { fillShortRows: false })).version).toBe(plain.version);
    // JSON has no short rows to fill.
    await expectKeelError(add('json', '{"a":1}\n', { format: 'ndjson', fillShortRows: true }), 'INVALID_ARGUMENT', /filling short rows applies to CSV only/);
  });

  it('are read, and a longer row refused naming its line, in UTF-16 and in gzip and zstd files too, where the head is not looked at', async () => {
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const files: [string, Buffer, AddDatasetOptions][] = [];
    for (const [kind, text] of [['short', 'a,b,c\n1,x\n2,y,3\n'], ['long', 'a,b,c\n1,x\n2,y,3,4\n']] as const) {
      files.push([`${kind}-16.csv`, utf16(text), { encoding: 'utf-16' }], [`${kind}.csv.gz`, gzipSync(text), {}], [`${kind}-16.csv.gz`, gzipSync(utf16(text)), { encoding: 'utf-16' }]);
      files.push([`${kind}.csv.zst`, zstdFrame(Buffer.from(text)), {}], [`${kind}-16.csv.zst`, zstdFrame(utf16(text)), { encoding: 'utf-16' }]);
    }
    for (const [file, bytes, read] of files) {
      const path = join(t.dir, file);
      writeFileSync(path, bytes);
      const adding = t.service.add('packed', path, { ...read, fillShortRows: true });
      if (file.startsWith('long')) {
        await expectKeelError(adding, 'INVALID_ARGUMENT', new RegExp(`line 3 of ${file.replace(/\./g, '\\.')} has more than 3 fields`));
        continue;
      }
      const v = await adding;
      expect([file, v.columns.map((c) => `${c.name}:${c.type}`)]).toEqual([file, ['a:int', 'b:string', 'c:int']]);
      expect((await t.service.rows(`packed@${v.version}`)).rows).toEqual([[1, 'x', null], [2, 'y', 3]]);
    }
    // Its encoding not given, a zstd UTF-16 file is refused with the advice, as a plain one is.
    await expectKeelError(t.service.add('packed', join(t.dir, 'short-16.csv.zst')), 'INVALID_ARGUMENT', /'short-16\.csv\.zst' looks like UTF-16 text .*: pass --encoding utf-16$/);
  });
});

/**
 * `bytes` as one zstd frame of one raw (stored) block, as `zstd` writes a small file: its text
 * starts at an odd offset (9), and readHead cannot decompress it.
 */
function zstdFrame(bytes: Buffer): Buffer {
  if (bytes.length > 255) throw new Error('a one-byte content size holds at most 255');
  const block = (bytes.length << 3) | 1; // last block, raw, its size
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, bytes.length, block & 0xff, (block >> 8) & 0xff, block >> 16]), bytes]);
}
