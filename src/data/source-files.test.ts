import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
