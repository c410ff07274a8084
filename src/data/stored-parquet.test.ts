import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetVersion } from './types.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

describe("a version whose stored Parquet is corrupted or gone", () => {
  const t = sqliteTestService();
  const blob = (v: DatasetVersion) => join(t.artifactsDir, v.artifactSha256.slice(0, 2), v.artifactSha256.slice(2));

  /** Every read of a version: a page of rows (data head), an export, the core Table (training, validation), the file (a download, predict). */
  const reads = (ref: string) => [
    () => t.service.rows(ref),
    () => t.service.export(ref, join(t.dir, 'out.csv')),
    () => t.service.loadTable(ref),
    () => t.service.parquetFile(ref),
  ];

  it('fails every read with DATA_CORRUPTED naming the version, never DuckDB\'s SQL', async () => {
    writeFileSync(join(t.dir, 'a.csv'), 'a,b\n1,x\n2,y\n');
    const v = await t.service.add('broken', join(t.dir, 'a.csv'));
    const ref = `broken@${v.version}`;
    copyFileSync(blob(v), join(t.dir, 'good.parquet'));
    const corrupted = new RegExp(`^${ref}: its stored Parquet \\(artifact ${v.artifactSha256}\\) failed its integrity check$`);
    writeFileSync(blob(v), 'not a parquet file');
    for (const read of reads(ref)) await expectKeelError(read(), 'DATA_CORRUPTED', corrupted);
    // The same length as the real file, one byte changed: DuckDB might read it; the hash does not.
    const bytes = readFileSync(join(t.dir, 'good.parquet'));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(blob(v), bytes);
    for (const read of reads(ref).slice(1)) await expectKeelError(read(), 'DATA_CORRUPTED', corrupted);

    rmSync(blob(v));
    const missing = new RegExp(`^${ref}: its stored Parquet \\(artifact ${v.artifactSha256}\\) is missing from the artifact store$`);
    for (const read of reads(ref)) await expectKeelError(read(), 'DATA_CORRUPTED', missing);
  });

  it('is stored again, whole, by an add of the same content, which finds the same version', async () => {
    writeFileSync(join(t.dir, 'b.csv'), 'a,b\n1,x\n2,y\n3,z\n');
    const v = await t.service.add('repaired', join(t.dir, 'b.csv'));
    const good = readFileSync(blob(v));
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)]! ^= 0xff;
    // Damaged three ways: other bytes, the same length with one byte changed, gone.
    for (const damage of [() => writeFileSync(blob(v), 'not a parquet file'), () => writeFileSync(blob(v), flipped), () => rmSync(blob(v))]) {
      damage();
      const again = await t.service.add('repaired', join(t.dir, 'b.csv'));
      expect([again.version, again.created, again.artifactSha256]).toEqual([v.version, false, v.artifactSha256]);
      expect(readFileSync(blob(v)).equals(good)).toBe(true);
      expect((await t.service.rows(`repaired@${v.version}`)).rows).toEqual([[1, 'x'], [2, 'y'], [3, 'z']]);
    }
  });
});
