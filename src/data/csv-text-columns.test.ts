import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headValues, longIntegerColumns, textInNumberColumns, WHOLE_LOOK_ROWS, type HeadValues } from './csv-text-columns.js';
import { sqliteTestService } from './test-helpers.js';

const t = sqliteTestService();
const ints = (n: number) => Array.from({ length: n }, (_, j) => ({ name: `c${j}`, duckType: 'BIGINT' }));

describe('headValues: the first values of a column in the head, by its name', () => {
  it("gives each column of a wide file its own field's values, the first of two same names, none for a name not there", async () => {
    const n = 500;
    const rows = Array.from({ length: WHOLE_LOOK_ROWS + 5 }, (_, r) => Array.from({ length: n }, (_, j) => String(r * 1000 + j)));
    // The header holds `c7` twice (at 7 and 9): the first is the column's.
    const header = Array.from({ length: n }, (_, j) => (j === 9 ? 'c7' : `c${j}`));
    const file = join(t.dir, 'head-wide.csv');
    writeFileSync(file, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
    const head = await headValues(file, {}, ints(n));
    // By a plain split: column j's first WHOLE_LOOK_ROWS values.
    const column = (j: number) => rows.slice(0, WHOLE_LOOK_ROWS).map((r) => r[j]);
    for (const j of [0, 1, 8, 250, 498, n - 1]) expect(head?.(`c${j}`)).toEqual(column(j));
    expect(head?.('c7')).toEqual(column(7));
    expect(head?.('c9')).toBeUndefined();
    expect(head?.('nope')).toBeUndefined();
  });

  it('without a header, finds a column by its place among the types, the first of two same names', async () => {
    const file = join(t.dir, 'head-no-header.csv');
    writeFileSync(file, 'a0,b0,c0\na1,b1,c1\n');
    const types = [{ name: 'x', duckType: 'VARCHAR' }, { name: 'y', duckType: 'VARCHAR' }, { name: 'x', duckType: 'VARCHAR' }];
    const head = await headValues(file, { header: false }, types);
    expect(head?.('x')).toEqual(['a0', 'a1']);
    expect(head?.('y')).toEqual(['b0', 'b1']);
    expect(head?.('a0')).toBeUndefined();
  });
});

/** A head of one column per entry, each of one value. */
const oneValueEach = (values: string[]): [HeadValues, { name: string; duckType: string }[]] => [(name) => [values[Number(name.slice(1))]], ints(values.length)];

describe('the looks at the number columns\' first values', () => {
  it('finds an integer of 2^53 or beyond (16 digits and more), not 2^53 - 1 nor one of up to 15 digits', () => {
    const values = ['1', '-999999999999999', '9007199254740991', '9007199254740992', '-9007199254740993', '00000000000000001', '12345678901234567890', '1.5'];
    const [head, types] = oneValueEach(values);
    expect([...longIntegerColumns(head, {}, types)]).toEqual(['c3', 'c4', 'c6']);
    // With a thousands separator, as written in the file.
    const [sep, sepTypes] = oneValueEach(['9,007,199,254,740,992', '999,999']);
    expect([...longIntegerColumns(sep, { thousands: ',' }, sepTypes)]).toEqual(['c0']);
  });

  it("finds text pandas reads in number columns, whatever the thousands separator: a digit one leaves '5' no number", () => {
    const [head, types] = oneValueEach(['12', '-5', '0x1F', '1_000', '+5', 'NA', '1e500', '123456789012345']);
    expect([...textInNumberColumns(head, {}, types)]).toEqual(['c2', 'c3', 'c6']);
    // pandas' thousands='5' reads 5 as nothing left, not a number (isPandasNumber).
    const [five, fiveTypes] = oneValueEach(['5', '15', '7']);
    expect([...textInNumberColumns(five, { thousands: '5' }, fiveTypes)]).toEqual(['c0']);
  });
});

describe('the looks at the head of a wide file of number columns', () => {
  it('reads as text a column of hex deep in the file, and exactly one of snowflake IDs, as pandas does', async () => {
    const n = 400;
    const rows = Array.from({ length: 40 }, (_, r) => {
      const row = Array.from({ length: n }, (_, j) => String((r * 7 + j) % 100));
      if (r === 0) [row[150], row[399]] = ['0x1F', '9007199254740993'];
      return row.join(',');
    });
    const file = join(t.dir, 'wide-numbers.csv');
    writeFileSync(file, `${Array.from({ length: n }, (_, j) => `c${j}`).join(',')}\n${rows.join('\n')}\n`);
    const v = await t.service.add('wide-numbers', file);
    // pandas 1.5.3: c150 object, every other column int64; c399's first value 9007199254740993.
    const types = v.columns.map((c) => c.type);
    expect(types.filter((x) => x === 'string').length).toBe(1);
    expect(types[150]).toBe('string');
    expect(types[399]).toBe('int');
    // Seen in the head, not met by the read: no widening, so no note of one.
    expect(v.notes).toBeUndefined();
    const out = join(t.dir, 'wide-numbers-out.csv');
    await t.service.export(`wide-numbers@${v.version}`, out);
    const first = readFileSync(out, 'utf8').split('\n')[1]!.split(',');
    expect([first[150], first[399]]).toEqual(['0x1F', '9007199254740993']);
  });
});
