import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LocalArtifactStore } from './artifact-store.js';

const SHA_OF_HELLO = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('LocalArtifactStore', () => {
  const root = () => mkdtempSync(join(tmpdir(), 'keel-art-'));

  it('addresses blobs by sha256 and deduplicates', async () => {
    const store = new LocalArtifactStore(root());
    const a = await store.put('hello');
    const b = await store.put(Buffer.from('hello'));
    expect(a).toEqual({ sha256: SHA_OF_HELLO, size: 5 });
    expect(b.sha256).toBe(a.sha256);
    expect((await store.get(a.sha256)).toString()).toBe('hello');
  });

  it('stores files and streams with the same address', async () => {
    const dir = root();
    const store = new LocalArtifactStore(join(dir, 'store'));
    writeFileSync(join(dir, 'f.txt'), 'hello');
    expect((await store.putFile(join(dir, 'f.txt'))).sha256).toBe(SHA_OF_HELLO);
    expect((await store.putStream(Readable.from([Buffer.from('hel'), Buffer.from('lo')]))).sha256).toBe(SHA_OF_HELLO);
    expect(readdirSync(join(dir, 'store', 'tmp'))).toEqual([]);
  });

  it('replaces a blob cut short (or grown) when the same bytes are put again', async () => {
    const dir = root();
    const store = new LocalArtifactStore(dir);
    const blob = join(dir, SHA_OF_HELLO.slice(0, 2), SHA_OF_HELLO.slice(2));
    writeFileSync(join(dir, 'f.txt'), 'hello');
    for (const [damaged, put] of [['hel', () => store.put('hello')], ['hello!', () => store.putFile(join(dir, 'f.txt'))]] as const) {
      await store.put('hello');
      writeFileSync(blob, damaged);
      expect(await put()).toEqual({ sha256: SHA_OF_HELLO, size: 5 });
      expect((await store.get(SHA_OF_HELLO)).toString()).toBe('hello');
    }
  });

  it('detects corruption on read', async () => {
    const dir = root();
    const store = new LocalArtifactStore(dir);
    const { sha256 } = await store.put('hello');
    writeFileSync(join(dir, sha256.slice(0, 2), sha256.slice(2)), 'jello');
    await expect(store.get(sha256)).rejects.toMatchObject({ code: 'DATA_CORRUPTED' });
    await expect(store.pathOf(sha256, { verify: true })).rejects.toMatchObject({ code: 'DATA_CORRUPTED' });
  });

  it('leaves no blob behind when a stream fails mid-write', async () => {
    const dir = root();
    const store = new LocalArtifactStore(dir);
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('disk unplugged'));
      },
    });
    await expect(store.putStream(failing)).rejects.toThrow('disk unplugged');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(dir).filter((d) => d !== 'tmp')).toEqual([]);
  });

  it('rejects ids that are not sha256 (no path tricks)', async () => {
    const store = new LocalArtifactStore(root());
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes the temp files of writers that are gone when it opens, and keeps a live writer\'s', async () => {
    const dir = root();
    mkdirSync(join(dir, 'tmp'));
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    // A PID that has surely ended: a child that ran and exited (what kill -9 of an add leaves).
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dead = `blob-${host}-${deadPid}-0123456789abcdef`;
    const live = `blob-${host}-${process.pid}-fedcba9876543210`;
    const otherHost = `blob-other.host-${deadPid}-0123456789abcdef`;
    // A file of a Keel that named them by a random id alone, a day old, and a fresh one.
    const [oldUnnamed, newUnnamed] = ['a'.repeat(32), 'b'.repeat(32)];
    for (const n of [dead, live, otherHost, oldUnnamed, newUnnamed]) writeFileSync(join(dir, 'tmp', n), 'partial');
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    utimesSync(join(dir, 'tmp', oldUnnamed), dayAgo, dayAgo);
    const store = new LocalArtifactStore(dir);
    // The sweep runs as the store opens; a write waits for it.
    await store.put('hello');
    expect(readdirSync(join(dir, 'tmp')).sort()).toEqual([live, otherHost, newUnnamed].sort());
    expect(await store.sweepTemp()).toBe(0);
  });

  it("puts back the blobs a gc that ended set aside, drops an aside copy whose blob is back, and leaves a live gc's", async () => {
    const dir = root();
    mkdirSync(join(dir, 'tmp'));
    const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const blobs = ['set aside by a killed gc', 'stored again by a writer', 'set aside by a live gc', 'another host, long ago', 'another host, just now'];
    const shas = blobs.map((text) => createHash('sha256').update(text).digest('hex'));
    const now = Date.now();
    const names = [
      `aside-${host}-${deadPid}-0123456789abcdef-${now}-${shas[0]}`,
      `aside-${host}-${deadPid}-1123456789abcdef-${now}-${shas[1]}`,
      `aside-${host}-${process.pid}-2123456789abcdef-${now}-${shas[2]}`,
      `aside-other.host-1-3123456789abcdef-${now - 2 * 3_600_000}-${shas[3]}`,
      `aside-other.host-1-4123456789abcdef-${now}-${shas[4]}`,
    ];
    names.forEach((n, i) => writeFileSync(join(dir, 'tmp', n), blobs[i]!));
    // The writer stored its own copy while the blob was away: the aside copy is redundant.
    mkdirSync(join(dir, shas[1]!.slice(0, 2)));
    writeFileSync(join(dir, shas[1]!.slice(0, 2), shas[1]!.slice(2)), blobs[1]!);
    const store = new LocalArtifactStore(dir);
    for (const [i, text] of blobs.slice(0, 2).entries()) expect((await store.get(shas[i]!)).toString()).toBe(text);
    expect((await store.get(shas[3]!)).toString()).toBe(blobs[3]);
    // A gc still running (or another host's, set aside within the hour) decides about its own blob.
    for (const i of [2, 4]) await expect(store.get(shas[i]!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.has(shas[2]!)).toBe(false);
    expect(readdirSync(join(dir, 'tmp')).sort()).toEqual([names[2], names[4]].sort());
    // Set aside after the store opened: a stream of it puts it back too; a blob never stored fails as before.
    const late = 'set aside after the store opened';
    const lateSha = createHash('sha256').update(late).digest('hex');
    writeFileSync(join(dir, 'tmp', `aside-${host}-${deadPid}-5123456789abcdef-${now}-${lateSha}`), late);
    expect((await Readable.from(store.open(lateSha)).toArray()).join('')).toBe(late);
    expect(await store.has(lateSha)).toBe(true);
    await expect(Readable.from(store.open(createHash('sha256').update('never').digest('hex'))).toArray()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
