import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import type { DatasetVersion } from '../../data/index.js';
import { createApiServer, openPlatform, type Platform } from '../index.js';

const CSV_A = 'x,c\n1,a\n2,b\n3,a\n';
const CSV_B = 'x,c,z\n4,a,1.5\n6,c,2.5\n';

describe('dataset routes', () => {
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-api-data-'));
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  const upload = (name: string, body: string | Buffer, query: string) =>
    app.inject({ method: 'POST', url: `/api/v1/datasets/${name}/versions?${query}`, headers: { 'content-type': 'application/octet-stream' }, payload: body });

  /** A multipart/form-data body written out by hand (RFC 7578): `[field name, filename, content]` parts. */
  const multipart = (name: string, parts: [string, string | undefined, string | Buffer][], query = '') => {
    const b = 'keel-test-boundary';
    const body = Buffer.concat([
      ...parts.flatMap(([field, filename, content]) => [Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${field}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')]),
      Buffer.from(`--${b}--\r\n`),
    ]);
    return app.inject({ method: 'POST', url: `/api/v1/datasets/${name}/versions?${query}`, headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: body });
  };

  it('uploads, lists, shows, diffs and downloads', async () => {
    const ra = await upload('demo', CSV_A, 'filename=a.csv&description=first');
    expect(ra.statusCode).toBe(201);
    const a = ra.json<DatasetVersion>();
    expect(a).toMatchObject({ name: 'demo', rows: 3, source: 'upload:a.csv', created: true });
    // The same content again: 200 with the version already stored, which this upload did not create.
    const again = await upload('demo', CSV_A, 'filename=a.csv');
    expect([again.statusCode, again.json()]).toEqual([200, { ...a, created: false }]);
    const rb = await upload('demo', CSV_B, 'format=csv');
    const b = rb.json<DatasetVersion>();
    expect(b.version).not.toBe(a.version);
    // The same bytes again: the same version.
    expect((await upload('demo', CSV_A, 'format=csv')).json<DatasetVersion>().version).toBe(a.version);

    const list = (await app.inject('/api/v1/datasets')).json<{ datasets: { name: string; versions: number; latest: string }[] }>();
    expect(list.datasets).toMatchObject([{ name: 'demo', versions: 2, latest: b.version }]);
    const versions = (await app.inject('/api/v1/datasets/demo')).json<{ versions: { version: string }[] }>();
    expect(versions.versions.map((v) => v.version)).toEqual([b.version, a.version]);
    const latest = (await app.inject('/api/v1/datasets/demo/versions/latest')).json<DatasetVersion>();
    expect(latest.version).toBe(b.version);
    expect(latest.columns.map((c) => c.name)).toEqual(['x', 'c', 'z']);
    const one = (await app.inject(`/api/v1/datasets/demo/versions/${a.version}`)).json<DatasetVersion>();
    expect(one.columns[0]!.stats.mean).toBe(2);

    const diff = (await app.inject(`/api/v1/datasets/diff?a=demo@${a.version}&b=demo`)).json<{ schema: { added: { name: string }[] } }>();
    expect(diff.schema.added.map((c) => c.name)).toEqual(['z']);

    const pq = await app.inject(`/api/v1/datasets/demo/versions/${a.version}/parquet`);
    expect(pq.statusCode).toBe(200);
    expect(pq.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(pq.rawPayload.equals(readFileSync(await platform.datasets.parquetPath(`demo@${a.version}`)))).toBe(true);
    expect(pq.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
  });

  it("takes a raw body of any content type (curl --data-binary's form type, JSON, text) as the file ?format= or ?filename= names", async () => {
    const raw = (query: string, body: string, contentType?: string) =>
      app.inject({ method: 'POST', url: `/api/v1/datasets/anytype/versions?${query}`, headers: contentType === undefined ? {} : { 'content-type': contentType }, payload: body });
    const csv = await raw('format=csv', CSV_A, 'application/x-www-form-urlencoded');
    expect(csv.statusCode).toBe(201);
    expect(csv.json()).toMatchObject({ name: 'anytype', rows: 3 });
    for (const type of ['text/plain', 'text/csv; charset=utf-8', 'application/x-www-form-urlencoded', undefined]) {
      expect((await raw('filename=a.csv', CSV_A, type)).json<DatasetVersion>().version, String(type)).toBe(csv.json<DatasetVersion>().version);
    }
    const json = await raw('format=json', '[{"x": 1, "c": "a"}, {"x": 2, "c": "b"}]', 'application/json');
    expect(json.statusCode).toBe(201);
    expect(json.json()).toMatchObject({ rows: 2, columns: [{ name: 'x', type: 'int' }, { name: 'c', type: 'string' }] });
    // Without ?format= or a ?filename= with an extension, the bytes' content type does not say which format they are in.
    expect((await raw('', '{"x": 1}', 'application/json')).json()).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: 'format: pass ?format= (csv, parquet, json, ndjson) or ?filename= with an extension', field: 'format' },
    });
  });

  it("lists a dataset named diff: GET /datasets/diff without a and b, and its versions path", async () => {
    const added = (await upload('diff', CSV_A, 'format=csv')).json<DatasetVersion>();
    const listing = { name: 'diff', versions: [expect.objectContaining({ name: 'diff', version: added.version, rows: 3 })] };
    expect((await app.inject('/api/v1/datasets/diff')).json()).toEqual(listing);
    expect((await app.inject('/api/v1/datasets/diff/versions')).json()).toEqual(listing);
    expect((await app.inject('/api/v1/datasets/demo/versions')).json()).toEqual((await app.inject('/api/v1/datasets/demo')).json());
    expect((await app.inject(`/api/v1/datasets/diff?a=diff&b=diff@${added.version}`)).json()).toMatchObject({ schema: { added: [], removed: [] } });
    expect((await app.inject('/api/v1/datasets/diff?a=diff')).json()).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: 'b: a diff takes both a=NAME[@VERSION] and b=NAME[@VERSION]', field: 'b' },
    });
  });

  it('answers bad input with KeelError JSON', async () => {
    const bad = await upload('demo', 'a,b\n1,2,3,4\n"x\n', 'format=csv');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'file' } });
    expect((await upload('demo', CSV_A, 'format=xlsx')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'format' } });
    expect((await upload('demo', CSV_A, '')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'format' } });
    expect((await upload('..%2Fetc', CSV_A, 'format=csv')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'name' } });
    // As `keel data ls NAME` names it; it named no field.
    for (const path of ['/api/v1/datasets/nope', '/api/v1/datasets/nope/versions']) {
      const r = await app.inject(path);
      expect([r.statusCode, r.json()]).toEqual([404, { error: { code: 'NOT_FOUND', message: "name: dataset 'nope' not found", field: 'name' } }]);
    }
    expect((await app.inject('/api/v1/datasets/demo/versions/zzz')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'ref' } });
    // Not found names the field as malformed does, on each route of a version.
    const missing = await app.inject('/api/v1/datasets/demo/versions/000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: "ref: dataset version 'demo@000000000000' not found", field: 'ref' } });
    for (const tail of ['', '/rows', '/parquet']) {
      expect((await app.inject(`/api/v1/datasets/nope/versions/latest${tail}`)).json()).toMatchObject({ error: { code: 'NOT_FOUND', message: "ref: dataset 'nope' not found", field: 'ref' } });
    }
  });

  it('reads a gzipped body as a local .gz file is read: by its filename, or by its bytes with ?format=', async () => {
    const gz = gzipSync(CSV_A);
    const byName = await upload('gz', gz, 'filename=base.csv.gz');
    expect(byName.statusCode).toBe(201);
    const v = byName.json<DatasetVersion>();
    expect(v).toMatchObject({ rows: 3, source: 'upload:base.csv.gz' });
    expect((await platform.datasets.rows(`gz@${v.version}`)).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'a']]);
    // The same bytes, however the format is told: the same version.
    for (const query of ['format=csv&filename=base.csv.gz', 'format=csv', 'format=csv&filename=base.csv']) {
      expect((await upload('gz', gz, query)).json<DatasetVersion>()).toMatchObject({ version: v.version, rows: 3 });
    }
    const ndjson = await upload('gz-ndjson', gzipSync('{"x":1}\n{"x":2}\n'), 'filename=rows.ndjson.gz');
    expect(ndjson.json<DatasetVersion>()).toMatchObject({ rows: 2, columns: [{ name: 'x', type: 'int' }] });
    const part = await multipart('gz-parts', [['file', 'a.csv.gz', gz], ['file', 'b', gzipSync('x,c\n9,z\n')]], 'format=csv');
    expect(part.json<DatasetVersion>()).toMatchObject({ rows: 4 });
  });

  it("names the client's file in an upload's errors, never the server's temp path", async () => {
    const home = platform.config.home;
    const errors = [
      await upload('named', 'x', 'filename=g.xyz'),
      await upload('named', '', 'filename=e.csv'),
      await upload('named', 'garbage', 'filename=g.parquet'),
      await upload('named', 'x,c\n1,2,3\n', 'filename=g%20b.csv'),
      await upload('named', gzipSync('x,c\n1,2\n3\n'), 'filename=g.csv&format=csv'),
      await multipart('named', [['file', 'a.csv', CSV_A], ['file', 'b.parquet', 'PAR1']]),
      await multipart('named', [['file', 'a.csv', CSV_A], ['file', 'e.csv', '']]),
      await upload('named', 'x,c\n1,2\n', 'filename=p.csv.gz'),
    ].map((r) => r.json<{ error: { code: string; message: string } }>().error);
    expect(errors.map((e) => e.code)).toEqual(Array(8).fill('INVALID_ARGUMENT'));
    expect(errors.map((e) => e.message).filter((m) => m.includes(home) || m.includes('upload-'))).toEqual([]);
    expect(errors[0]!.message).toBe("format: cannot tell the format of 'g.xyz' from its name; pass ?format= (csv, parquet, json, ndjson)");
    expect(errors[1]!.message).toBe("file: 'e.csv' is empty");
    expect(errors[2]!.message).toContain("File 'g.parquet' too small to be a Parquet file");
    expect(errors[3]!.message).toContain('line 2 of g b.csv has more than 2 fields');
    expect(errors[4]!.message).toContain('line 3 of g.csv has 1 field where the header has 2');
    // The folder is the upload, which the user never named: its files are.
    expect(errors[5]!.message).toBe("format: 'the upload' mixes formats (csv: 'a.csv'; parquet: 'b.parquet'); add them separately or pass ?format=");
    expect(errors[6]!.message).toBe("file: 'e.csv' is empty");
    expect(errors[7]!.message).toBe("file: 'p.csv.gz' is not gzip data (its name ends in .gz, but its bytes do not start as gzip's do, 1f 8b): it looks like uncompressed text; name it without .gz");
  });

  // A JSON table is read from its rows written to a temp .ndjson file (json-table.ts): its errors
  // named that file, and its note the name the server stored the upload under (`my_t.json`).
  it("names the client's file in the errors and notes of a JSON table's read", async () => {
    const dup = (await upload('table', '{"a":[1,2],"a":[3,4]}', 'filename=my%20t.json')).json<{ error: { message: string } }>().error;
    expect(dup.message).toBe('file: \'my t.json\' has an object with the key "a" twice (row 1); a key may appear once in an object');
    const v = (await upload('table', '{"a":[1,2]}', 'filename=my%20t.json')).json<DatasetVersion & { notes?: string[] }>();
    expect(v.notes).toEqual(["'my t.json' is one table (pandas' a dict of lists), not rows: read as its 2 rows, as pandas' read_json reads it"]);
  });

  it("names the query parameters in an add's advice, where the CLI names its flags (?encoding=, not --encoding)", async () => {
    const answers = [
      await upload('advice', Buffer.from('x\n\xe9\n', 'latin1'), 'filename=l.csv'),
      await upload('advice', Buffer.from('\ufeffx\n1\n', 'utf16le'), 'filename=u.csv'),
      await upload('advice', 'x,c\n1,2,3\n', 'filename=r.csv'),
      await upload('advice', CSV_A, 'filename=a.csv&decimal=,'),
      await upload('advice', CSV_A, 'filename=a.csv&thousands=.'),
    ].map((r) => r.json<{ error: { code: string; message: string } }>().error);
    expect(answers.map((e) => e.message)).toEqual([
      'file: not UTF-8 text (CSV Error on Line: 2): pass ?encoding=latin-1 (or utf-16)',
      "file: 'u.csv' looks like UTF-16 text (it starts with the byte order mark FF FE), not utf-8: pass ?encoding=utf-16",
      "file: not a readable CSV file: line 2 of r.csv has more than 2 fields, the header's count (a delimiter inside an unquoted field? Lines above the header: ?skip=N)",
      'decimal: a decimal comma needs another delimiter, e.g. ?delimiter=;',
      'thousands: the thousands separator cannot be the decimal separator "." (for 1.234,5 add ?decimal=,)',
    ]);
    // The same errors of a local add name the CLI's flags.
    const local = join(platform.config.home, 'l.csv');
    writeFileSync(local, Buffer.from('x\n\xe9\n', 'latin1'));
    await expect(platform.datasets.add('advice', local)).rejects.toThrow('file: not UTF-8 text (CSV Error on Line: 2): pass --encoding latin-1 (or utf-16)');
    await expect(platform.datasets.add('advice', local, { decimal: ',' })).rejects.toThrow("decimal: a decimal comma needs another delimiter, e.g. --delimiter ';'");
  });

  it("takes a CSV's missing-value spellings as a repeated query parameter", async () => {
    const r = await upload('na', 'x,c\n1,a\n?,-\n3,b\n', 'format=csv&na=%3F&na=-');
    expect(r.statusCode).toBe(201);
    const v = r.json<DatasetVersion>();
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['x:int:1', 'c:string:1']);
    // One spelling alone is a list of one.
    expect((await upload('na', 'x\n1\n?\n', 'format=csv&na=%3F')).json<DatasetVersion>().columns[0]).toMatchObject({ type: 'int', stats: { missing: 1 } });
  });

  it("takes a CSV's thousands separator and comment character", async () => {
    const r = await upload('eu', '# scale export\nx;n\n1.234,5;1.000\n', 'format=csv&delimiter=%3B&decimal=%2C&thousands=.&comment=%23');
    expect(r.statusCode).toBe(201);
    const v = r.json<DatasetVersion>();
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.min}`)).toEqual(['x:float:1234.5', 'n:int:1000']);
    expect((await upload('eu', 'x\n1\n', 'format=csv&thousands=ab')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'thousands' } });
  });

  it('answers a note on dates that read day first and month first, and takes dateFormat for the other reading', async () => {
    const dates = 'd\n05/01/2024\n02/03/2024\n';
    const v = (await upload('dates', dates, 'format=csv')).json<DatasetVersion & { notes?: string[] }>();
    expect(v.notes).toEqual([expect.stringMatching(/^column 'd': every sampled value reads as %d\/%m\/%Y .*, so it is read as %d\/%m\/%Y; pass --date-format '%m\/%d\/%Y' \(HTTP: \?dateFormat=\)/)]);
    const m = (await upload('dates', dates, `format=csv&dateFormat=${encodeURIComponent('%m/%d/%Y')}`)).json<DatasetVersion & { notes?: string[] }>();
    expect([m.notes, m.columns[0]!.stats.min]).toEqual([undefined, Date.UTC(2024, 1, 3)]);
    // A format that reads no column: said in the answer's notes.
    const unfitted = (await upload('dates', 'd\n2024-01-05\n', `format=csv&dateFormat=${encodeURIComponent('%m/%d/%Y')}`)).json<{ notes?: string[] }>();
    expect(unfitted.notes).toEqual([expect.stringMatching(/^no column was read by --date-format '%m\/%d\/%Y' \(HTTP: \?dateFormat=\)/)]);
  });

  it("reads a CSV's short rows with fillShortRows=true, which the refusal names", async () => {
    const short = 'x,c\n1\n2,b\n';
    const refused = (await upload('short', short, 'filename=s.csv')).json<{ error: { message: string } }>().error;
    expect(refused.message).toContain('line 2 of s.csv has 1 field where the header has 2 (a short row, or a quote left open above it? Lines above the header: ?skip=N; to read short rows with their missing fields missing, as pandas does: ?fillShortRows=true)');
    const v = (await upload('short', short, 'filename=s.csv&fillShortRows=true')).json<DatasetVersion>();
    expect(v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`)).toEqual(['x:int:0', 'c:string:1']);
  });

  it('reads a CSV without a header line: header=false, or names repeated', async () => {
    const bare = (await upload('bare', '1,a\n2,b\n', 'format=csv&header=false')).json<DatasetVersion>();
    expect([bare.rows, bare.columns.map((c) => c.name)]).toEqual([2, ['column0', 'column1']]);
    // A comma inside a name is written \, (%5C%2C).
    const named = (await upload('bare', '1,a\n2,b\n', 'format=csv&names=n&names=c%5C%2Cd')).json<DatasetVersion>();
    expect([named.rows, named.columns.map((c) => c.name)]).toEqual([2, ['n', 'c,d']]);
  });

  it('takes every list of column names repeated, comma-separated or both, and na repeated with its commas kept', async () => {
    const csv = 'a,b,c,"d,e"\n1,x,n,2\n3,y,"n,a",4\n';
    const names = (r: { json: () => unknown }) => (r.json() as DatasetVersion).columns.map((c) => `${c.name}:${c.type}`);
    const split = await upload('lists', csv, 'format=csv&columns=a,c&columns=d%5C,e&types=a=float,c=string&types=d%5C,e=float');
    expect(names(split)).toEqual(['a:float', 'c:string', 'd,e:float']);
    const repeated = await upload('lists', csv, 'format=csv&columns=a&columns=c&columns=d%5C%2Ce&types=a=float&types=c=string&types=d%5C%2Ce=float');
    // The same lists either way: the same version.
    expect(repeated.json<DatasetVersion>().version).toBe(split.json<DatasetVersion>().version);
    expect((await upload('lists', '1,2\n', 'format=csv&names=x,y')).json<DatasetVersion>().columns.map((c) => c.name)).toEqual(['x', 'y']);
    // na is never split: "n,a" is one spelling (in a file of another delimiter: DuckDB refuses a comma's).
    const na = (await upload('lists-na', 'c\nn\nn,a\n', 'format=csv&delimiter=%3B&na=n%2Ca')).json<DatasetVersion>();
    expect(na.columns[0]!.stats).toMatchObject({ missing: 1, top: [{ value: 'n', count: 1 }] });
    const v = split.json<DatasetVersion>().version;
    const rows = async (q: string) => (await app.inject({ method: 'GET', url: `/api/v1/datasets/lists/versions/${v}/rows?${q}` })).json<{ columns: { name: string }[] }>().columns.map((c) => c.name);
    expect(await rows('columns=d%5C,e,a')).toEqual(['d,e', 'a']);
    expect(await rows('columns=d%5C%2Ce&columns=a')).toEqual(['d,e', 'a']);
  });

  it('adds the file parts of a multipart body as one version, rows in the order of the parts', async () => {
    const r = await multipart('multi', [['file', 'b.csv', CSV_A], ['note', undefined, 'form fields are ignored'], ['file', 'a.csv', 'x,c\n9,z\n']]);
    expect(r.statusCode).toBe(201);
    const v = r.json<DatasetVersion>();
    expect(v).toMatchObject({ rows: 4, source: 'upload:2 files (b.csv ... a.csv)' });
    expect((await platform.datasets.rows(`multi@${v.version}`)).rows).toEqual([[1, 'a'], [2, 'b'], [3, 'a'], [9, 'z']]);
    // A part's format comes from its name, or from ?format=.
    expect((await multipart('multi', [['file', 'part-0', CSV_A]])).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'format', message: expect.stringContaining("part 'part-0'") } });
    expect((await multipart('multi', [['file', 'part-0', CSV_A]], 'format=csv')).statusCode).toBe(201);
    expect((await multipart('multi', [['note', undefined, 'no file']])).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: 'body' } });
    expect((await platform.datasets.versions('multi')).length).toBe(2);
  });
});

describe('dataset uploads over the body limit', () => {
  const LIMIT = 2000;
  let platform: Platform;
  let app: FastifyInstance;
  let url: string;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keel-api-limit-'));
    platform = await openPlatform(loadConfig({ env: {}, overrides: { home } }), silentLogger);
    app = await createApiServer(platform, { accessLog: false, bodyLimit: LIMIT });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
  });

  /** POSTs `chunks` over a socket with chunked transfer encoding (no content-length: the server counts). */
  const postChunked = (path: string, contentType: string, chunks: string[]) =>
    new Promise<{ status: number; body: { error?: { code: string; field?: string; message: string } } }>((resolve, reject) => {
      const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
      });
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  const csv = (rows: number) => `x,c\n${Array.from({ length: rows }, (_, i) => `${i},a`).join('\n')}\n`;

  it('refuses a raw body, a streamed one and multipart parts that together pass the limit with PAYLOAD_TOO_LARGE, storing nothing', async () => {
    const big = csv(400); // ~2.3 KB
    const declared = await app.inject({ method: 'POST', url: '/api/v1/datasets/d/versions?format=csv', headers: { 'content-type': 'text/csv' }, payload: big });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', field: 'body', message: expect.stringContaining('2000-byte limit') } });
    const streamed = await postChunked('/api/v1/datasets/d/versions?format=csv', 'text/csv', [big.slice(0, 1000), big.slice(1000)]);
    expect(streamed).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    // Three parts of ~800 bytes: each under the limit, together over it.
    const b = 'keel-limit-boundary';
    const part = (name: string) => `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${csv(150)}\r\n`;
    const parts = await postChunked('/api/v1/datasets/d/versions', `multipart/form-data; boundary=${b}`, [part('a.csv'), part('b.csv'), part('c.csv'), `--${b}--\r\n`]);
    expect(parts).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    // Under the limit, the same route adds the data.
    expect((await postChunked('/api/v1/datasets/d/versions', `multipart/form-data; boundary=${b}`, [part('a.csv'), `--${b}--\r\n`])).status).toBe(201);
    expect((await platform.datasets.versions('d')).length).toBe(1);
    // The work folders go (the answer to a body cut off can come before the handler's cleanup ends).
    await expect.poll(() => readdirSync(join(home, 'tmp'))).toEqual([]);
  });
});
