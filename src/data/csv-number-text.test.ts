import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPandasNumber, pandasNumberSql, type NumberFormat } from './csv-number-text.js';
import { openDuckDb, quoteString } from './duckdb-sql.js';

// Each spelling as pandas.read_csv (1.5.3) types a column of it and `1`: a number (int64 or
// float64) or text (object). DuckDB's DOUBLE cast reads every one of TEXT but `0x10`, `0X1F`,
// `0b101` (which its BIGINT cast reads), `0o17`, `--5`, `1d5`, `5e`, `e5`, `.`, `1,5`, `½`, `١`.
const NUMBERS = ['1', '-0', '+0', '0005', ' 5 ', '\t5', '.5', '5.', '-.5', '+.5', '1e5', '1E5', '1.e3', '.5e3', '1e-500', '0e308', '0.0e309', '00.0e309', '000.00e310', '0.000e311', '0e-999', '1e-309', 'inf', '+inf', '-Infinity', 'INF', 'iNfInItY'];
const TEXT = ['0x10', '0X1F', '0b101', '0o17', '1_000', '1_0.5', '1e1_0', '+-5', '+-inf', '--5', 'NAN', 'nAn', '+nan', '+NaN', 'nan(1)', ' inf', 'inf ', '1e500', '-1e500', '2e308', '0e309', '0E909', '-0e909', '0e+309', ' 0e309', '00000e309', '0.0e999', `0.${'0'.repeat(17)}e325`, `${'0'.repeat(21)}e305`, '1d5', '5e', 'e5', '.', '1,5', '½', '١'];
// pandas with decimal=',' (and thousands='.'), and thousands='_'.
const FORMATS: [string, NumberFormat, boolean][] = [
  ['1,5', { decimal: ',' }, true],
  ['1.5', { decimal: ',' }, false],
  ['1.234,5', { decimal: ',', thousands: '.' }, true],
  ['1_000', { thousands: '_' }, true],
];

describe("numbers as pandas' parser reads them", () => {
  let dir: string;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keel-numbers-'));
    duck = await openDuckDb(dir);
  });
  afterAll(() => {
    duck.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const inSql = async (v: string, format: NumberFormat) => {
    const con = await duck.connect();
    return (await con.runAndReadAll(`SELECT ${pandasNumberSql('x', format)} FROM (SELECT ${quoteString(v)} AS x)`)).getRows()[0]![0];
  };

  it('tells numbers from text in JS and in SQL alike', async () => {
    const cases: [string, NumberFormat, boolean][] = [...NUMBERS.map((v): [string, NumberFormat, boolean] => [v, {}, true]), ...TEXT.map((v): [string, NumberFormat, boolean] => [v, {}, false]), ...FORMATS];
    const found = [];
    for (const [v, format] of cases) found.push({ v, format, js: isPandasNumber(v, format), sql: await inSql(v, format) });
    expect(found).toEqual(cases.map(([v, format, number]) => ({ v, format, js: number, sql: number })));
    // A text that is neither: both say so (SQL without a number to cast).
    expect([isPandasNumber('x', {}), await inSql('x', {})]).toEqual([false, false]);
  });
});
