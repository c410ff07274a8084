import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type, type Static } from '@sinclair/typebox';
import type { Multipart } from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { formatOfName, invalidArgument, isKeelError, KeelError, lookupFor, makeWorkDir, markGzipped, MAX_SOURCE_FILES, splitList } from '../../core/index.js';
import { assertDatasetName, CSV_ENCODINGS, DATASET_FORMATS, isDatasetFormat, MAX_PAGE_ROWS, parseTypeList, queryMessage } from '../../data/index.js';
import { created, fileDownload, ok, withRequestBody } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';

// How the lists of column names are read (splitList): both forms, an item's comma escaped.
const LIST = 'comma-separated, or the parameter repeated, or both (columns=a,b&columns=c); a comma inside a name is written \\, and a backslash before a comma or a backslash \\\\';
const NameParams = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), version: Type.String({ description: "a 12-hex version, its first 4 or more characters, 'latest' or 'latest~N' (N versions before the latest)" }) });
const UploadQuery = Type.Object({
  format: Type.Optional(Type.String({ description: `one of ${DATASET_FORMATS.join(', ')}; default from filename` })),
  filename: Type.Optional(Type.String({ description: 'the original file name (recorded as the source; its extension gives the format)' })),
  description: Type.Optional(Type.String()),
  encoding: Type.Optional(Type.String({ description: `a CSV's text encoding: ${CSV_ENCODINGS.join(', ')} (default utf-8)` })),
  delimiter: Type.Optional(Type.String({ description: "a CSV's delimiter: up to four bytes (', ' for comma-and-space), \\t or tab (default a comma; a tab for .tsv)" })),
  decimal: Type.Optional(Type.String({ description: "a CSV's decimal separator: . (default) or , (with another delimiter)" })),
  thousands: Type.Optional(Type.String({ description: "a CSV's thousands separator, one ASCII character (pandas' thousands), e.g. . with decimal , for 1.234,5" })),
  comment: Type.Optional(Type.String({ description: "a CSV's comment character (pandas' comment): lines that start with it are skipped, and the rest of a line after it" })),
  header: Type.Optional(Type.Boolean({ description: "false: a CSV without a header line, its columns column0, column1, ..." })),
  names: Type.Optional(Type.Array(Type.String(), { description: `the columns' names of a CSV without a header line, in order (implies header=false); ${LIST}` })),
  columns: Type.Optional(Type.Array(Type.String(), { description: `only these columns, in the file's order (pandas' usecols); ${LIST}` })),
  skip: Type.Optional(Type.Integer({ minimum: 0, description: "lines of a CSV to skip before its header, a preamble (pandas' skiprows)" })),
  na: Type.Optional(Type.Array(Type.String(), { description: "a CSV's spelling of a missing value besides the empty field, in every column (pandas' na_values); repeat it for several: na=%3F&na=-. Each value is one spelling as it is, commas and backslashes too (n,a and \\N are spellings): not split" })),
  dateFormat: Type.Optional(Type.String({ description: "the strptime format of a CSV's dates (pandas' date_format), e.g. %m/%d/%Y for 05/01/2024 as 1 May" })),
  fillShortRows: Type.Optional(Type.Boolean({ description: "true: a CSV's rows with fewer fields than the header are read with the missing ones as missing values (pandas' NaN); refused by default" })),
  types: Type.Optional(Type.Array(Type.String(), { description: `column types replacing the sniffed ones, COLUMN=TYPE: types=zip=string,id=string; ${LIST}` })),
});
const RowsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE_ROWS, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  columns: Type.Optional(Type.Array(Type.String(), { description: `the columns, each once, in the order to answer them (default: all); ${LIST}` })),
});
// Optional, so that without both the path is the dataset named 'diff', as /datasets/:name is for any other name.
const DiffQuery = Type.Object({
  a: Type.Optional(Type.String({ description: 'NAME[@VERSION]; without a and b, the versions of the dataset named diff' })),
  b: Type.Optional(Type.String({ description: 'NAME[@VERSION]' })),
});

// Documented only: Fastify must not validate a body it streams to a file.
const UPLOAD_BODY = {
  'application/octet-stream': { schema: { type: 'string', format: 'binary', description: 'the raw file, with any content type but multipart/form-data: ?format= or the ?filename= extension says what it is' } },
  'multipart/form-data': { schema: { type: 'object', additionalProperties: { type: 'string', format: 'binary' }, description: "file parts (any field name), one version's files, rows in the order of the parts; form fields are ignored" } },
};

const ref = (p: { name: string; version: string }) => (p.version === 'latest' ? p.name : `${p.name}@${p.version}`);
// A dataset or version that does not exist names `ref`, as a malformed one does and as the CLI's
// `data show REF` names it (docs/errors.md).
const lookupRef = <T>(p: { name: string; version: string }, lookup: (ref: string) => Promise<T>) => lookupFor('ref', () => lookup(ref(p)));

/** /api/v1/datasets: list, versions, one version's profile, upload, diff, Parquet download. */
export const datasetRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const datasets = platform.datasets;
  const tmpDir = join(platform.config.home, 'tmp');

  // Uploads are streamed to temp files, never buffered whole (these parsers are scoped to this
  // plugin), so Fastify's body limit does not see them: the upload counts its own bytes against
  // it, the parts of a multipart upload together. A multipart upload holds up to MAX_SOURCE_FILES files.
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 ** 3;
  // Loaded with the server, not with every CLI command (with busboy, ~40 ms of a command's start).
  const { default: multipart } = await import('@fastify/multipart');
  await app.register(multipart, { limits: { files: MAX_SOURCE_FILES, fileSize: bodyLimit, fields: 100 } });
  // A raw body is the file whatever its content type says (curl --data-binary sends
  // application/x-www-form-urlencoded, a JSON file goes as application/json): ?format= or the
  // ?filename='s extension tells what it holds. Multipart keeps its own parser.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.get('/api/v1/datasets', { config: { permission: 'datasets:read' }, schema: { tags: ['datasets'], summary: 'List datasets', response: ok('{datasets: [{name, description, versions, latest, rows, updatedAt}]}') } }, async () => ({
    datasets: await datasets.list(),
  }));

  // A dataset that does not exist names `name`, as `keel data ls NAME` does.
  const listVersions = async (name: string) => ({ name, versions: await lookupFor('name', () => datasets.versions(name)) });

  app.get<{ Querystring: Static<typeof DiffQuery> }>(
    '/api/v1/datasets/diff',
    {
      config: { permission: 'datasets:read' },
      schema: {
        tags: ['datasets'],
        summary: "Schema changes and statistic shifts between two versions (without a and b: the versions of the dataset named 'diff')",
        querystring: DiffQuery,
        response: ok("{a, b, rows, sameContent, schema: {added, removed, changed, moved, renamed}, columns: [...]} (docs/datasets.md, Diff); without a and b, {name, versions} of the dataset named 'diff'"),
      },
    },
    async (req) => {
      const { a, b } = req.query;
      if (a === undefined && b === undefined) return listVersions('diff');
      if (a === undefined || b === undefined) throw invalidArgument(a === undefined ? 'a' : 'b', 'a diff takes both a=NAME[@VERSION] and b=NAME[@VERSION]');
      return datasets.diff(a, b);
    },
  );

  for (const url of ['/api/v1/datasets/:name', '/api/v1/datasets/:name/versions']) {
    app.get<{ Params: { name: string } }>(
      url,
      { config: { permission: 'datasets:read' }, schema: { tags: ['datasets'], summary: "A dataset's versions, newest first", params: NameParams, response: ok('{name, versions: [{name, version, rows, contentSha256, artifactSha256, source, createdAt}]}') } },
      async (req) => listVersions(req.params.name),
    );
  }

  app.get<{ Params: { name: string; version: string } }>(
    '/api/v1/datasets/:name/versions/:version',
    { config: { permission: 'datasets:read' }, schema: { tags: ['datasets'], summary: 'One version: schema and statistics', params: VersionParams, response: ok('the version with its columns: [{name, type, nullable, stats}]') } },
    async (req) => lookupRef(req.params, (r) => datasets.get(r)),
  );

  app.get<{ Params: { name: string; version: string }; Querystring: Static<typeof RowsQuery> }>(
    '/api/v1/datasets/:name/versions/:version/rows',
    {
      config: { permission: 'datasets:read' },
      schema: {
        tags: ['datasets'],
        summary: "A page of a version's rows, in stored order",
        params: VersionParams,
        querystring: RowsQuery,
        response: ok('{name, version, total, offset, columns: [{name, type}], rows: [[...]]}'),
      },
    },
    async (req) => {
      const { limit, offset, columns } = req.query;
      return lookupRef(req.params, (r) => datasets.rows(r, {
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(columns !== undefined ? { columns: splitList(columns) } : {}),
      }));
    },
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/api/v1/datasets/:name/versions/:version/parquet',
    { config: { permission: 'datasets:read' }, schema: { tags: ['datasets'], summary: "Download a version's rows as Parquet", params: VersionParams, response: fileDownload('application/vnd.apache.parquet', "the version's stored Parquet, verified") } },
    async (req, reply) => {
      // Verified before the first byte is sent: a missing or corrupted file is an error answer, not a broken download.
      const { version: v, path } = await lookupRef(req.params, (r) => datasets.parquetFile(r));
      return reply
        .header('content-type', 'application/vnd.apache.parquet')
        .header('content-disposition', `attachment; filename="${v.name}-${v.version}.parquet"`)
        .send(createReadStream(path));
    },
  );

  app.post<{ Params: { name: string }; Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/datasets/:name/versions',
    {
      config: { permission: 'datasets:write', swaggerTransform: withRequestBody(UPLOAD_BODY) },
      schema: {
        tags: ['datasets'],
        summary: 'Add a version from the raw file in the body (CSV, Parquet, JSON, NDJSON), or from the file parts of a multipart/form-data body (a folder\'s files, as one version, rows in the order of the parts)',
        params: NameParams,
        querystring: UploadQuery,
        response: {
          ...created('the version this upload stored, with created: true, and notes: [string] when the add renamed a column or widened a type'),
          ...ok('the version that already held this content (read the same way), with created: false'),
        },
      },
    },
    async (req, reply) => {
      const { format, filename, description, encoding, delimiter, decimal, thousands, comment, na, header, names, skip, columns, dateFormat, fillShortRows, types } = req.query;
      const typeList = types === undefined ? undefined : parseTypeList(types, 'types');
      // na is not split: a spelling of a missing value may hold a comma or a backslash.
      // Checked before the upload is read, so a bad name costs no transfer.
      assertDatasetName(req.params.name);
      if (format !== undefined && !isDatasetFormat(format)) throw invalidArgument('format', `unknown format '${format}' (known: ${DATASET_FORMATS.join(', ')})`);
      const multipart = req.isMultipart();
      const body = req.body as Readable | undefined;
      if (!multipart && (!body || typeof (body as Readable).pipe !== 'function')) {
        throw invalidArgument('body', 'send the file as the raw request body (any content type but multipart/form-data), or files as multipart/form-data parts');
      }
      // The body is stored under the client's file name, so that its extension (`.csv.gz`) says
      // what it holds, as a local file's does, and errors name the file the client knows.
      if (!multipart && !format && formatOfName(basename(filename ?? '')) === undefined) {
        throw invalidArgument('format', !filename ? `pass ?format= (${DATASET_FORMATS.join(', ')}) or ?filename= with an extension` : `cannot tell the format of '${filename}' from its name; pass ?format= (${DATASET_FORMATS.join(', ')})`);
      }
      // A declared length over the limit is refused before a byte is stored.
      if (Number(req.headers['content-length'] ?? 0) > bodyLimit) throw tooLarge(bodyLimit);
      const work = await makeWorkDir(tmpDir, 'upload');
      const clientNames = new Map<string, string>();
      try {
        const limit = byteLimit(bodyLimit);
        const received = multipart ? await receiveParts(req.parts(), join(work, 'parts'), format, limit, clientNames) : await receiveBody(body!, work, filename, format, limit, clientNames);
        const lists = { ...(names === undefined ? {} : { names: splitList(names) }), ...(columns === undefined ? {} : { columns: splitList(columns) }) };
        const read = { encoding, delimiter, decimal, thousands, comment, na, header, ...lists, skip, dateFormat, fillShortRows, types: typeList };
        const v = await datasets.add(req.params.name, received.path, { format, description, ...read, source: received.source }).catch((e: unknown) => {
          throw clientError(e, work, clientNames);
        });
        // 201 for a version this upload stored, 200 for the one that already held its content.
        // Its notes name the client's files too ('t.json' is one table...).
        return reply.status(v.created ? 201 : 200).send(v.notes ? { ...v, notes: v.notes.map((n) => clientText(n, work, clientNames)) } : v);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
};

const tooLarge = (limit: number): KeelError =>
  new KeelError('PAYLOAD_TOO_LARGE', `the upload is larger than the server's ${limit}-byte limit (keel server --max-body-mb)`, { field: 'body' });

/**
 * A pass-through stream factory whose streams fail with PAYLOAD_TOO_LARGE once the bytes through
 * all of them pass `limit` (a multipart upload's parts share one count).
 */
function byteLimit(limit: number): () => Transform {
  let seen = 0;
  return () =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        done(seen > limit ? tooLarge(limit) : null, chunk);
      },
    });
}

/**
 * The raw body into the folder `dir`, under the client's file name (storedName; without one,
 * `upload.FORMAT`), with `.gz` added when its bytes are gzipped and the name does not say so. The
 * source is the name the client sent. `clientNames` gets the stored path and that name.
 */
async function receiveBody(body: Readable, dir: string, filename: string | undefined, format: string | undefined, limit: () => Transform, clientNames: Map<string, string>): Promise<{ path: string; source: string }> {
  const name = filename || `upload.${format}`;
  const stored = join(dir, storedName(basename(name)));
  await pipeline(body, limit(), createWriteStream(stored));
  const path = await markGzipped(stored);
  clientNames.set(path, name);
  return { path, source: `upload:${filename || 'body'}` };
}

/**
 * The file parts into the folder `dir`, each in a folder named by its position (so the path
 * order is the parts' order) under its own name (storedName, so it keeps its extension, its
 * format), `.gz` added as for a raw body. Form fields are ignored: the options are in the query.
 */
async function receiveParts(parts: AsyncIterableIterator<Multipart>, dir: string, format: string | undefined, limit: () => Transform, clientNames: Map<string, string>): Promise<{ path: string; source: string }> {
  await mkdir(dir);
  const names: string[] = [];
  for await (const part of parts) {
    if (part.type !== 'file') continue;
    const name = basename(part.filename || `part-${names.length}`);
    if (format === undefined && formatOfName(name) === undefined) {
      part.file.resume();
      throw invalidArgument('format', `cannot tell the format of the part '${name}' from its name; pass ?format= (${DATASET_FORMATS.join(', ')})`);
    }
    const folder = join(dir, String(names.length).padStart(5, '0'));
    await mkdir(folder);
    const stored = join(folder, storedName(name));
    await pipeline(part.file, limit(), createWriteStream(stored));
    clientNames.set(await markGzipped(stored), name);
    names.push(name);
  }
  if (names.length === 0) throw invalidArgument('body', 'the multipart body holds no file part');
  return { path: dir, source: names.length === 1 ? `upload:${names[0]}` : `upload:${names.length} files (${names[0]} ... ${names[names.length - 1]})` };
}

/**
 * A client's file name as a name to store it under: characters a path or DuckDB's globs would
 * read otherwise become `_`, a leading `.` or `_` (a folder's walk skips those) gets `upload`
 * before it, and a long one keeps its last 200 characters (its extension).
 */
function storedName(name: string): string {
  return name.replace(/[^.A-Za-z0-9_-]/g, '_').slice(-200).replace(/^(?=[._]|$)/, 'upload');
}

/**
 * The error of an add as the client hears it: its advice naming query parameters (`?format=`, where
 * the CLI's says `--format`), and the upload's stored paths replaced by the client's names (a
 * file's before its folder's), and the stored names that differ from the client's (DuckDB names a
 * file by its base name): where and how the server keeps an upload is none of the client's business.
 */
function clientError(e: unknown, work: string, clientNames: ReadonlyMap<string, string>): unknown {
  if (!isKeelError(e)) return e;
  const message = clientText(queryMessage(e), work, clientNames);
  if (message === e.message) return e;
  return new KeelError(e.code, message, { ...(e.field === undefined ? {} : { field: e.field }), ...(e.details === undefined ? {} : { details: e.details }), cause: e });
}

/** A message of an add (an error's, a note) with the upload's stored paths and names said as the client's (clientError). */
function clientText(message: string, work: string, clientNames: ReadonlyMap<string, string>): string {
  const stored = [...clientNames].sort(([a], [b]) => b.length - a.length);
  for (const [path, name] of stored) message = message.replaceAll(path, name);
  for (const [path, name] of stored) if (basename(path) !== basename(name)) message = message.replaceAll(basename(path), basename(name));
  return message.replaceAll(join(work, 'parts'), 'the upload').replaceAll(`${work}${sep}`, '').replaceAll(work, 'the upload');
}
