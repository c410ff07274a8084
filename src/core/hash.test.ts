import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from './hash.js';

describe('sha256File', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-hash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what sha256sum gives, for an empty file, a small one and one of several chunks', async () => {
    // 3.5 MiB: three whole 1 MiB chunks and a part of one.
    const big = Buffer.alloc(3.5 * (1 << 20));
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    for (const [name, content] of [['empty', ''], ['small', 'a,b\n1,2\n'], ['big', big]] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const expected = execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
      expect(await sha256File(path)).toBe(expected);
    }
  });
});
