import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeelClient } from '../../client/index.js';
import { KeelError, loadConfig, silentLogger } from '../../core/index.js';
import { createApiServer, openPlatform, type Platform } from '../index.js';

const LOG = `x,y\n${Array.from({ length: 500 }, (_, i) => `${i},v${i}\n`).join('')}`;

// The client sends a file the server then hashes and reads whole: a file that changes while it is
// sent would arrive as no one state of it. The change is made when the first chunk is counted.
describe('an upload of a file that changes while it is sent', () => {
  let platform: Platform;
  let app: FastifyInstance;
  let client: KeelClient;
  let home: string;
  let dir: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keel-upload-changes-'));
    dir = join(home, 'files');
    mkdirSync(dir);
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
    client = new KeelClient({ baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }) });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  it('is refused naming the file, one file or a part of a folder, and the server stores nothing', async () => {
    const file = join(dir, 'log.csv');
    const folder = join(dir, 'parts');
    mkdirSync(folder);
    for (const p of ['a', 'b']) writeFileSync(join(folder, `${p}.csv`), LOG);
    for (const [path, changing] of [[file, file], [folder, join(folder, 'b.csv')]] as const) {
      writeFileSync(file, LOG);
      let appended = false;
      const onProgress = () => {
        if (!appended) appendFileSync(changing, '500,v500\n');
        appended = true;
      };
      const e = await client.datasets.add('log', path, { onProgress }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(KeelError);
      expect(e).toMatchObject({ code: 'FAILED_PRECONDITION', field: 'file' });
      expect((e as KeelError).message).toBe(`'${changing}' changed while it was being added (it grew from ${LOG.length} to ${LOG.length + 9} bytes); add it again once it is complete`);
    }
    expect(await platform.datasets.list()).toEqual([]);
    await expect.poll(() => readdirSync(join(home, 'tmp'))).toEqual([]);
    // Once it is complete, it is added.
    expect((await client.datasets.add('log', file)).rows).toBe(500);
  });

  // The server knows such a folder only as 'the upload': the client refuses it first, naming it.
  it('of a folder that mixes formats is refused before it is sent, naming the folder and its files', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.csv'), 'x\n1\n');
    writeFileSync(join(folder, 'b.ndjson'), '{"x": 2}\n');
    let sent = false;
    const e = await client.datasets.add('mixed', folder, { onProgress: () => (sent = true) }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'format', message: `format: '${folder}' mixes formats (csv: 'a.csv'; ndjson: 'b.ndjson'); add them separately or pass a format` });
    expect(sent).toBe(false);
  });
});
