import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'vitest';
import type { AddDatasetOptions } from './dataset-service.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// A line longer than DuckDB reads (2,000,000 bytes). pandas (1.5) reads it as any other row;
// Keel refuses it, naming the file and the line, in any encoding or compression.

describe('a line longer than DuckDB reads', () => {
  const t = sqliteTestService();
  const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  /** A header, `before` rows, then a row of 2,100,002 bytes (its line end not counted) and one more. */
  const text = (before: number) => `a,b\n${'1,x\n'.repeat(before)}2,${'y'.repeat(2_100_000)}\n3,z\n`;

  it('is named by its file and line, among the sampled rows and past them, in UTF-16, gzip and zstd files too', async () => {
    const files: [string, Buffer, AddDatasetOptions][] = [];
    // 25,000 rows (DuckDB sniffs 20,480): the read meets the line, not the sniff.
    for (const before of [2, 25_000]) {
      const plain = Buffer.from(text(before));
      files.push([`plain-${before}.csv`, plain, {}], [`plain-${before}.csv.gz`, gzipSync(plain), {}], [`plain-${before}.csv.zst`, zstdFrame(plain), {}]);
      files.push([`u16-${before}.csv`, utf16(text(before)), { encoding: 'utf-16' }], [`u16-${before}.csv.zst`, zstdFrame(utf16(text(before))), { encoding: 'utf-16' }]);
    }
    for (const [file, bytes, read] of files) {
      writeFileSync(join(t.dir, file), bytes);
      const line = Number(/-(\d+)\./.exec(file)![1]) + 2;
      const size = read.encoding === 'utf-16' ? '2,100,002 bytes long as UTF-8' : '2,100,002 bytes long';
      const pattern = new RegExp(`^file: not a readable CSV file: line ${line} of ${file.replace(/\./g, '\\.')} is ${size}, more than the 2,000,000 bytes DuckDB reads in one line \\(a quote left open above it`);
      await expectKeelError(t.service.add('long', join(t.dir, file), read), 'INVALID_ARGUMENT', pattern);
    }
  });

  it('is named by its part in a folder, which DuckDB does not name', async () => {
    const parts = join(t.dir, 'parts');
    mkdirSync(parts);
    writeFileSync(join(parts, 'p1.csv'), 'a,b\n1,x\n');
    writeFileSync(join(parts, 'p2.csv'), text(3));
    await expectKeelError(t.service.add('parts', parts), 'INVALID_ARGUMENT', /^file: not a readable CSV file: line 5 of p2\.csv is 2,100,002 bytes long, more than/);
  });
});

/** `bytes` as one zstd frame of raw (stored) blocks of at most 128 KiB, its window 128 KiB: Node 20 has no zstd. */
function zstdFrame(bytes: Buffer): Buffer {
  const BLOCK = 128 << 10;
  // Magic number; frame header descriptor 0 (no content size, no checksum); window 2^(10+7).
  const out: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3])];
  for (let at = 0; at < bytes.length || at === 0; at += BLOCK) {
    const block = bytes.subarray(at, at + BLOCK);
    const header = (block.length << 3) | (at + BLOCK >= bytes.length ? 1 : 0); // its size, raw, last or not
    out.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, header >> 16]), block);
  }
  return Buffer.concat(out);
}
