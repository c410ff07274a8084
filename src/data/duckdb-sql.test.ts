import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb-sql.js';

describe('openDuckDb', () => {
  it("spills into a folder of its own: its close leaves another process's spill files, and a killed process's folder goes", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keel-duck-'));
    // What another process's DuckDB spilled into the shared folder; DuckDB's close removed every
    // duckdb_temp_ file in its folder.
    const others = 'duckdb_temp_storage_S32K-0.tmp';
    writeFileSync(join(tmp, others), 'in use');
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const killed = `duckdb-${host}-${deadPid}-abcdef`;
    mkdirSync(join(tmp, killed));
    writeFileSync(join(tmp, killed, 'duckdb_temp_storage_S32K-0.tmp'), 'left by kill -9');
    const duck = await openDuckDb(tmp);
    const mine = readdirSync(tmp).filter((n) => n.startsWith(`duckdb-${host}-${process.pid}-`));
    expect(mine).toHaveLength(1);
    try {
      const con = await duck.connect();
      // A sort larger than the memory limit spills.
      await con.run("SET memory_limit = '16MB'; SET threads = 1; SET preserve_insertion_order = false");
      const rows = await con.runAndReadAll("SELECT count(*) FROM (SELECT 'x' || range AS s FROM range(2000000) ORDER BY s DESC)");
      expect(Number(rows.getRows()[0]![0])).toBe(2_000_000);
    } finally {
      duck.close();
    }
    expect(readdirSync(tmp)).toEqual([others]);
  });
});
