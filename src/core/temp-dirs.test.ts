import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveWorkEntries, makeWorkDir, sweepOrphanedWorkDirs, workFileName } from './temp-dirs.js';

describe('work folders', () => {
  it('are named by kind, host and process, and the next of a kind removes those of ended processes on this host', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'keel-work-'));
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    // A pid that has surely ended: a child that ran and exited.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    mkdirSync(join(parent, `ingest-${host}-${deadPid}-abc123`));
    writeFileSync(join(parent, `ingest-${host}-${deadPid}-abc123`, 'data.parquet'), 'partial');
    // Another kind is swept by its own next folder, not by this one.
    const live = [`ingest-${host}-${process.pid}-aaaaaa`, `ingest-other.host-${deadPid}-bbbbbb`, `upload-${host}-${deadPid}-def456`, 'notes.txt'];
    for (const n of live) mkdirSync(join(parent, n));
    const mine = await makeWorkDir(parent, 'ingest');
    expect(basename(mine)).toMatch(new RegExp(`^ingest-${host.replace(/\./g, '\\.')}-${process.pid}-\\w{6}$`));
    expect(readdirSync(parent).sort()).toEqual([...live, basename(mine)].sort());
    expect(await sweepOrphanedWorkDirs(parent, 'ingest')).toBe(0);
    expect(await sweepOrphanedWorkDirs(parent, 'upload')).toBe(1);
    expect(await sweepOrphanedWorkDirs(join(parent, 'missing'), 'ingest')).toBe(0);
  });

  it("removes another host's entries only once they are a day old (its process cannot be asked)", async () => {
    const parent = mkdtempSync(join(tmpdir(), 'keel-work-'));
    const [fresh, old, dayOld] = ['blob-other.host-42-aaaa', 'blob-other.host-43-bbbb', 'blob-other_host-44-cccc'];
    for (const n of [fresh, old, dayOld]) writeFileSync(join(parent, n), 'partial');
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    utimesSync(join(parent, old), hoursAgo(25), hoursAgo(25));
    utimesSync(join(parent, dayOld), hoursAgo(23), hoursAgo(23));
    // A live writer's file of this host stays whatever its age.
    const mine = workFileName('blob');
    expect(mine).toMatch(new RegExp(`^blob-[A-Za-z0-9._]+-${process.pid}-[0-9a-f]{16}$`));
    writeFileSync(join(parent, mine), 'writing');
    utimesSync(join(parent, mine), hoursAgo(48), hoursAgo(48));
    expect(await sweepOrphanedWorkDirs(parent, 'blob')).toBe(1);
    expect(readdirSync(parent).sort()).toEqual([fresh, dayOld, mine].sort());
  });

  it('shows each orphan to onOrphan first, keeps an orphan whose cleanup failed, and tells the live folders afresh', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'keel-work-'));
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const [undone, failed, live] = [`ingest-${host}-${deadPid}-aaaaaa`, `ingest-${host}-${deadPid}-bbbbbb`, `ingest-${host}-${process.pid}-cccccc`];
    for (const n of [undone, failed, live]) mkdirSync(join(parent, n));
    const seen: string[] = [];
    // A folder made while the sweep runs is live for a cleanup that asks after it.
    const started = `ingest-${host}-${process.pid}-dddddd`;
    const liveSeen: string[][] = [];
    const swept = await sweepOrphanedWorkDirs(parent, 'ingest', Date.now(), async (path) => {
      seen.push(basename(path));
      mkdirSync(join(parent, started), { recursive: true });
      liveSeen.push((await liveWorkEntries(parent, 'ingest')).map((p) => basename(p)).sort());
      if (path.endsWith(failed)) throw new Error('the store is down');
    });
    expect(swept).toBe(1);
    expect(seen.sort()).toEqual([undone, failed].sort());
    expect(liveSeen).toEqual([[live, started].sort(), [live, started].sort()]);
    // A later sweep tries the failed one again.
    expect(readdirSync(parent).sort()).toEqual([failed, live, started].sort());
  });
});
