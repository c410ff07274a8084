import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeToTarget } from './write-target.js';

describe('writeToTarget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-write-target-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the temp files that dead writers of the same file left beside it (kill -9), never a live writer's", async () => {
    const dest = join(dir, 'out.csv');
    let tmp = '';
    await writeToTarget(dest, async (path) => {
      tmp = path;
      writeFileSync(path, 'first\n');
    });
    expect(readFileSync(dest, 'utf8')).toBe('first\n');
    // The temp file names its process, so that a later write can tell whether that one still runs.
    expect(basename(tmp)).toContain(`-${process.pid}-`);
    // A pid that has surely ended: a child that ran and exited.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dead = basename(tmp).replace(`-${process.pid}-`, `-${deadPid}-`);
    const neverRan = basename(tmp).replace(`-${process.pid}-`, '-999999999-');
    const live = basename(tmp);
    const other = basename(tmp).replace('out.csv', 'other.csv').replace(`-${process.pid}-`, `-${deadPid}-`);
    for (const n of [dead, neverRan, live, other, 'notes.txt']) writeFileSync(join(dir, n), 'partial');
    await writeToTarget(dest, async (path) => writeFileSync(path, 'second\n'));
    expect(readFileSync(dest, 'utf8')).toBe('second\n');
    // Another file's leftovers wait for a write to that file.
    expect(readdirSync(dir).sort()).toEqual([live, other, 'notes.txt', 'out.csv'].sort());
  });
});
