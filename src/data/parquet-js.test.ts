import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EncodedColumn, type EncodeOptions, encodeColumn } from './parquet-js-encode.js';
import { parquetFilePieces, writeParquetFile } from './parquet-js-file.js';
import { ThriftWriter } from './parquet-js-thrift.js';
import { mulberry32 } from '../core/index.js';
import type { PlainColumn } from './plain-column.js';

const floats = (values: number[]): PlainColumn => ({ type: 'float', values: Float64Array.from(values) });
const ints = (values: number[]): PlainColumn => ({ type: 'int', values: Float64Array.from(values) });
const bools = (values: number[]): PlainColumn => ({ type: 'bool', values: Float64Array.from(values) });
const texts = (dictionary: string[], codes: number[]): PlainColumn => ({ type: 'string', codes: Int32Array.from(codes), dictionary });

/** What DuckDB should read from a column: null for a missing value, bigint-free numbers. */
function expected(column: PlainColumn): unknown[] {
  if (column.type === 'string') return Array.from(column.codes, (c) => (c < 0 ? null : column.dictionary[c]!.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')));
  // An int column's -0 is BIGINT 0.
  return Array.from(column.values, (v) => (Number.isNaN(v) ? null : column.type === 'bool' ? v !== 0 : column.type === 'int' ? v + 0 : v));
}

const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);

describe('the JS Parquet writer, read back by DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-parquet-js-'));
  let con: DuckDBConnection;
  beforeAll(async () => {
    con = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(() => {
    con.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });
  const rows = async (sql: string): Promise<unknown[][]> => (await con.runAndReadAll(sql)).getRows().map((r) => r.map(plain));

  /** Writes the columns (named c0, c1, ...) at `name`.parquet and returns its path. */
  async function write(name: string, columns: PlainColumn[], rowGroupRows: number, options: EncodeOptions = {}): Promise<string> {
    const path = join(dir, `${name}.parquet`);
    const n = columns[0]!.type === 'string' ? columns[0]!.codes.length : columns[0]!.values.length;
    await writeParquetFile(path, columns.map((_, i) => `c${i}`), columns.map((c) => c.type), columns.map((c) => encodeColumn(c, rowGroupRows, options)), n, rowGroupRows);
    return path;
  }

  /** Every value of every column, read back in row order, equals the column's. */
  async function expectRoundTrip(path: string, columns: PlainColumn[]): Promise<void> {
    const read = await rows(`SELECT * FROM read_parquet('${path}')`);
    columns.forEach((c, i) => expect(read.map((r) => r[i])).toEqual(expected(c)));
  }

  const INT = [9007199254740991, -9007199254740991, -9007199254740990, 9007199254740990, -4294967296, -4294967297, 4294967295, 4294967296, -2147483648, 2147483647, 2147483648, -2147483649, -1, 0, 1, NaN, -0];
  const FLOAT = [-0, 0, 1e308, -1.7976931348623157e308, 5e-324, -5e-324, 2.2250738585072014e-308, 0.1, -123.456, Infinity, -Infinity, NaN, 1e-300, 3];
  const TEXT = ['', 'é', '😀', 'a', 'x'.repeat(100) + 'é😀\u{10ffff}', 'lone \ud800 surrogate', 'ÿ\u0800\uffff\u{10ffff}'];
  const mixed = (count: number): PlainColumn[] => [
    ints(Array.from({ length: count }, (_, i) => (i % 5 === 3 ? NaN : INT[i % INT.length]!))),
    floats(Array.from({ length: count }, (_, i) => (i % 4 === 2 ? NaN : FLOAT[i % FLOAT.length]!))),
    // A false after each missing value: a missing value's bit must not leak into the next.
    bools(Array.from({ length: count }, (_, i) => (i % 6 === 4 ? NaN : i % 3 === 0 ? 1 : 0))),
    texts(TEXT, Array.from({ length: count }, (_, i) => (i % 8 === 7 ? -1 : i % TEXT.length))),
  ];

  it('stores ints, floats, bools and text with missing values in several row groups, every value as written', async () => {
    const columns = mixed(45); // 6 row groups of 7 and one of 3
    const path = await write('mixed', columns, 7);
    await expectRoundTrip(path, columns);
    expect(await rows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`)).toEqual([['c0', 'BIGINT'], ['c1', 'DOUBLE'], ['c2', 'BOOLEAN'], ['c3', 'VARCHAR']]);
    expect(await rows(`SELECT count(*) FROM read_parquet('${path}')`)).toEqual([[45]]);
    // -0.0 stays negative, '' is a value and not missing.
    const negativeZeros = expected(columns[1]!).filter((v) => Object.is(v, -0)).length;
    expect(negativeZeros).toBeGreaterThan(0);
    expect(await rows(`SELECT count(*) FILTER (WHERE c3 = ''), count(*) FILTER (WHERE c3 IS NULL), count(*) FILTER (WHERE c1 = 0 AND sign(1 / c1) < 0) FROM read_parquet('${path}')`)).toEqual([[
      expected(columns[3]!).filter((v) => v === '').length, expected(columns[3]!).filter((v) => v === null).length, negativeZeros,
    ]]);
    expect(await rows(`SELECT row_group_id, row_group_num_rows FROM parquet_metadata('${path}') WHERE path_in_schema = 'c0' ORDER BY 1`)).toEqual([0, 1, 2, 3, 4, 5, 6].map((g) => [g, g < 6 ? 7 : 3]));
    expect(await rows(`SELECT name, type, repetition_type, converted_type, num_children FROM parquet_schema('${path}')`)).toEqual([
      ['schema', null, null, null, 4], ['c0', 'INT64', 'OPTIONAL', null, null], ['c1', 'DOUBLE', 'OPTIONAL', null, null],
      ['c2', 'BOOLEAN', 'OPTIONAL', null, null], ['c3', 'BYTE_ARRAY', 'OPTIONAL', 'UTF8', null],
    ]);
  });

  it('gives each row group the statistics of its own values: null count, and min and max of numbers (a zero min as -0.0)', async () => {
    const columns = mixed(45);
    const path = await write('stats', columns, 7);
    const stats = await rows(`SELECT row_group_id, column_id, stats_null_count, stats_min_value, stats_max_value FROM parquet_metadata('${path}') ORDER BY 1, 2`);
    expect(stats).toHaveLength(28);
    for (const [group, column, nulls, min, max] of stats) {
      const c = columns[column as number]!;
      const part = expected(c).slice((group as number) * 7, (group as number) * 7 + 7);
      expect(nulls).toBe(part.filter((v) => v === null).length);
      if (c.type === 'string') continue;
      const present = part.filter((v) => v !== null).map(Number);
      // DuckDB shows an infinite bound as null (its own files' too). + 0: a zero bound is either zero (checked below).
      const shown = (s: unknown): unknown => (s === null ? null : c.type === 'bool' ? Number(s === 'true') : Number(s) + 0);
      const bound = (v: number): unknown => (Number.isFinite(v) ? v + 0 : null);
      expect(shown(min)).toBe(bound(Math.min(...present)));
      expect(shown(max)).toBe(bound(Math.max(...present)));
    }
    // parquet-format's rule for zeros: a zero min is stored as -0.0, a zero max as +0.0.
    const zeros = await write('zero-bounds', [floats([0.5, 0, 3, -2, -0, NaN])], 3);
    const bounds = await rows(`SELECT stats_min_value, stats_max_value FROM parquet_metadata('${zeros}') ORDER BY row_group_id`) as [string, string][];
    expect(bounds.map(([lo, hi]) => [Object.is(Number(lo), -0), Number(hi), Object.is(Number(hi), 0)])).toEqual([[true, 3, false], [false, 0, true]]);
    // DuckDB trusts them: a filter past every max skips nothing it should not.
    expect(await rows(`SELECT count(*) FROM read_parquet('${path}') WHERE c0 > 4294967296`)).toEqual([[expected(columns[0]!).filter((v) => (v as number) > 4294967296).length]]);
  });

  it('stores a column of only missing values, of each type (number dictionaries on or off)', async () => {
    const none = Array<number>(40).fill(NaN);
    const columns = [ints(none), floats(none), bools(none), texts(['a'], none.map(() => -1))];
    for (const numberDictionary of [false, true]) {
      const path = await write(`all-null-${numberDictionary}`, columns, 20, { numberDictionary });
      await expectRoundTrip(path, columns);
      expect(await rows(`SELECT count(*), count(c0), count(c1), count(c2), count(c3) FROM read_parquet('${path}')`)).toEqual([[40, 0, 0, 0, 0]]);
      expect(await rows(`SELECT DISTINCT stats_null_count, stats_min_value, encodings FROM parquet_metadata('${path}')`)).toEqual([[20, null, 'PLAIN, RLE']]);
    }
  });

  it('stores text of one dictionary entry, and of 70,000 (17-bit indices)', async () => {
    const one = texts(['only'], [0, 0, -1, 0]);
    const many = texts(Array.from({ length: 70_000 }, (_, k) => `v${k}é`), Array.from({ length: 150_000 }, (_, i) => (i % 11 === 0 ? -1 : (i * 7919) % 70_000)));
    // The first row group uses more than 2^16 entries: 17-bit indices.
    expect(new Set(many.type === 'string' ? many.codes.subarray(0, 122_880) : []).size - 1).toBeGreaterThan(65_536);
    const onePath = await write('one-entry', [one], 3);
    await expectRoundTrip(onePath, [one]);
    const manyPath = await write('many-entries', [many], 122_880);
    await expectRoundTrip(manyPath, [many]);
    expect(await rows(`SELECT count(DISTINCT c0) FROM read_parquet('${manyPath}')`)).toEqual([[70_000]]);
  });

  it('dictionary-encodes numbers of few distinct values (-0.0 and 0.0 apart), and stores many-valued ones PLAIN', async () => {
    const n = 24_000;
    const random = mulberry32(7);
    const lows = Array.from({ length: 400 }, () => Math.floor(random() * 2 ** 20));
    const columns = [
      ints(Array.from({ length: n }, (_, i) => (i % 13 === 0 ? NaN : (i % 90) - 45 + (i % 2 === 0 ? 0 : 2 ** 40)))),
      floats(Array.from({ length: n }, (_, i) => (i % 9 === 0 ? NaN : i % 10 === 1 ? -0 : Math.round(i % 300) / 10))),
      floats(Array.from({ length: n }, (_, i) => i * 1.25)),
      // 400 doubles alike in their high 32 bits, told apart by the low ones (random: a progression would never collide in the table).
      ints(Array.from({ length: n }, (_, i) => 2 ** 40 + lows[i % 400]!)),
      // One-decimal values but for a few, off the 16 the scale is guessed from: each is checked.
      floats(Array.from({ length: n }, (_, i) => (i % 1000 === 7 ? 2.2345 : (i % 50) / 10))),
    ];
    const path = await write('number-dictionary', columns, 8_000, { numberDictionary: true });
    // Off by default: all PLAIN.
    const plainPath = await write('number-plain', columns, 8_000);
    await expectRoundTrip(plainPath, columns);
    expect(await rows(`SELECT DISTINCT encodings FROM parquet_metadata('${plainPath}')`)).toEqual([['PLAIN, RLE']]);
    await expectRoundTrip(path, columns);
    expect(await rows(`SELECT DISTINCT column_id, encodings FROM parquet_metadata('${path}') ORDER BY 1`)).toEqual([[0, 'PLAIN, RLE, RLE_DICTIONARY'], [1, 'PLAIN, RLE, RLE_DICTIONARY'], [2, 'PLAIN, RLE'], [3, 'PLAIN, RLE, RLE_DICTIONARY'], [4, 'PLAIN, RLE, RLE_DICTIONARY']]);
    expect(await rows(`SELECT count(*) FILTER (WHERE c1 = 0 AND sign(1 / c1) < 0), count(*) FILTER (WHERE c1 = 0 AND sign(1 / c1) > 0) FROM read_parquet('${path}')`)).toEqual([[2134, 53]]);
  });

  it('writes a file of no rows: no row group, the columns still typed', async () => {
    const columns = [ints([]), floats([]), bools([]), texts(['a'], [])];
    const path = await write('empty', columns, 7);
    expect(await rows(`SELECT count(*) FROM read_parquet('${path}')`)).toEqual([[0]]);
    expect(await rows(`SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`)).toEqual([['BIGINT'], ['DOUBLE'], ['BOOLEAN'], ['VARCHAR']]);
    expect(await rows(`SELECT count(*) FROM parquet_metadata('${path}')`)).toEqual([[0]]);
  });

  it('writes what a worker posted: the encoded column survives a structured clone with its bytes transferred', async () => {
    // The last column has no missing value: its pages' values are its own (EncodedColumn.source).
    const columns = [...mixed(30), floats(Array.from({ length: 30 }, (_, i) => i / 3))];
    const encoded = columns.map((c) => encodeColumn(c, 8));
    expect(encoded.map((e) => e.source !== undefined)).toEqual([false, false, false, false, true]);
    const posted = encoded.map((e) => structuredClone(e, { transfer: [e.bytes.buffer, ...(e.source ? [e.source.buffer] : [])] })) as EncodedColumn[];
    expect(encoded[0]!.bytes.byteLength).toBe(0); // transferred, not copied
    const names = columns.map((_, i) => `c${i}`);
    const path = join(dir, 'posted.parquet');
    await writeParquetFile(path, names, columns.map((c) => c.type), posted, 30, 8);
    expect(await rows(`SELECT sum(c4), count(c4) FROM read_parquet('${path}')`)).toEqual([[145, 30]]);
    expect(await rows(`SELECT c0, c1, c2, c3 FROM read_parquet('${path}')`)).toEqual(expected(columns[0]!).map((_, r) => columns.slice(0, 4).map((c) => expected(c)[r])));
    // The pieces are the file.
    const pieces = parquetFilePieces(names, columns.map((c) => c.type), posted, 30, 8);
    expect(Buffer.concat(pieces).equals(readFileSync(path))).toBe(true);
  });

  it('refuses columns that disagree with the names, types, rows or row groups given', () => {
    const encoded = [encodeColumn(ints([1, 2, 3]), 2)];
    expect(() => parquetFilePieces(['a', 'b'], ['int'], encoded, 3, 2)).toThrow(/2 names, 1 types and 1 columns/);
    expect(() => parquetFilePieces(['a'], ['float'], encoded, 3, 2)).toThrow(/encoded as int, not float/);
    expect(() => parquetFilePieces(['a'], ['int'], encoded, 4, 2)).toThrow(/column a has 3 rows, not 4/);
    expect(() => parquetFilePieces(['a'], ['int'], encoded, 3, 3)).toThrow(/3 rows in 2 chunks, not 1/);
    // Parts: each cut in rowGroupRows from its start; every column cut the same way.
    const parts = [encodeColumn(ints([1, 2, 3]), 2), encodeColumn(ints([4]), 2)];
    expect(parquetFilePieces(['a'], ['int'], [parts], 4, 2).length).toBeGreaterThan(3);
    expect(() => parquetFilePieces(['a', 'b'], ['int', 'int'], [parts, encodeColumn(ints([1, 2, 3, 4]), 2)], 4, 2)).toThrow(/column b's row groups are not column a's/);
    const noSource = { ...encodeColumn(floats([1, 2]), 2), source: undefined };
    expect(() => parquetFilePieces(['a'], ['float'], [noSource], 2, 2)).toThrow(/chunk 0 has values in a source the column does not have/);
    expect(() => encodeColumn(texts(['a'], [0, 1]), 2)).toThrow(/code 1 of row 1 is past the dictionary's 1 entries/);
  });
});

describe('the Thrift compact encoder', () => {
  it('writes short and long field headers, zigzag varints, bools in the header and a list of 15', () => {
    const bytes = new ThriftWriter().i32(1, -1).i64(20, 2 ** 40).bool(21, true).struct(22, (s) => s.bool(1, false)).stringList(23, Array(15).fill('a')).bytes();
    expect(Array.from(bytes)).toEqual([
      0x15, 0x01, // field 1 (delta 1) i32, zigzag(-1) = 1
      0x06, 0x28, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, // field 20 (delta 19: long form, zigzag(20) = 40) i64, zigzag(2^40) = 2^41
      0x11, // field 21 bool true
      0x1c, 0x12, 0x00, // field 22 struct { field 1 bool false } stop
      0x19, 0xf8, 0x0f, ...Array(15).fill([0x01, 0x61]).flat(), // field 23 list<binary> of 15 (long size form)
      0x00,
    ]);
  });
});
