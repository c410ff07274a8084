import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../core/index.js';
import { openMetadataStore, type MetadataStore } from '../storage/index.js';
import { expectKeelError, makeTestService, type TestService } from './test-helpers.js';

const rows = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `${from + i},v${from + i}\n`).join('');
const LOG = `x,y\n${rows(0, 500)}`;
const SIZE = Buffer.byteLength(LOG);

// A source file changed between Keel's content hash and DuckDB's read: the version would record
// the hash of bytes other than those of its rows. The change is made at the pause point after the
// hash (afterContentHash), as another process could make it at any time.
describe('an add of a file that changes while it is read', () => {
  let store: MetadataStore;
  let t: TestService;
  let change: (() => void | Promise<void>) | undefined;
  beforeAll(async () => {
    store = await openMetadataStore('sqlite::memory:');
    t = makeTestService(store, { afterContentHash: () => change?.() });
  });
  afterAll(async () => store.close());
  beforeEach(() => {
    change = undefined;
  });

  /** The add of `path` refused as `file` changed (`how`), leaving no dataset `name`, no blob and no work folder. */
  async function expectRefused(name: string, file: string, how: RegExp, path = file): Promise<void> {
    const blobs = t.blobs().length;
    const e = await expectKeelError(t.service.add(name, path), 'FAILED_PRECONDITION', how);
    expect(e.message).toContain(`'${file}' changed while it was being added`);
    expect(e.message).toMatch(/add it again once it is complete$/);
    expect(e.field).toBe('file');
    expect(t.blobs().length).toBe(blobs);
    expect(readdirSync(join(t.dir, 'tmp'))).toEqual([]);
    expect((await t.service.list()).map((d) => d.name)).not.toContain(name);
  }

  it('refuses a log appended to, and adds it once it is complete, its hash that of its rows', async () => {
    const file = join(t.dir, 'log.csv');
    writeFileSync(file, LOG);
    change = () => appendFileSync(file, rows(500, 100));
    await expectRefused('log', file, new RegExp(`\\(it grew from ${SIZE} to ${SIZE + Buffer.byteLength(rows(500, 100))} bytes\\)`));
    change = undefined;
    const v = await t.service.add('log', file);
    expect([v.rows, v.contentSha256]).toEqual([600, sha256(readFileSync(file))]);
  });

  it('refuses a file truncated, rewritten in place, replaced by a rename or removed', async () => {
    const file = join(t.dir, 'changing.csv');
    const cases: [() => void | Promise<void>, RegExp][] = [
      [() => truncateSync(file, 100), new RegExp(`\\(it shrank from ${SIZE} to 100 bytes\\)`)],
      // After a pause: Linux stamps a file's times at the clock's tick (a few ms), so a rewrite of
      // the same size within one tick of the stamp is not seen.
      [async () => (await setTimeout(20), writeFileSync(file, LOG.replace('v1\n', 'w1\n'))), /\(it was written to\)/],
      [() => (writeFileSync(`${file}.new`, `x,y\n${rows(7, 3)}`), renameSync(`${file}.new`, file)), /\(it was replaced by another file\)/],
      [() => unlinkSync(file), /\(it was removed\)/],
    ];
    for (const [how, message] of cases) {
      writeFileSync(file, LOG);
      change = how;
      await expectRefused('changing', file, message);
    }
  });

  it('refuses an add of content already stored when the file changed meanwhile, not saying it is unchanged', async () => {
    const file = join(t.dir, 'again.csv');
    writeFileSync(file, LOG);
    const first = await t.service.add('again', file);
    change = () => appendFileSync(file, rows(500, 1));
    await expectKeelError(t.service.add('again', file), 'FAILED_PRECONDITION', /'.*again\.csv' changed while it was being added \(it grew/);
    expect((await t.service.versions('again')).map((v) => v.version)).toEqual([first.version]);
  });

  it('names the part of a folder that changed', async () => {
    const folder = join(t.dir, 'parts');
    mkdirSync(folder);
    for (const p of ['a', 'b', 'c']) writeFileSync(join(folder, `${p}.csv`), LOG);
    change = () => appendFileSync(join(folder, 'b.csv'), rows(500, 1));
    await expectRefused('parts', join(folder, 'b.csv'), /^'[^']*' changed while it was being added \(it grew/, folder);
  });
});
