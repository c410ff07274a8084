import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellValue, type Table } from '../core/index.js';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

const valuesOf = (table: Table, name: string) => {
  const c = table.columns.find((col) => col.name === name)!;
  return Array.from({ length: table.numRows }, (_, r) => cellValue(c, r));
};

describe('loadTable', () => {
  const t = sqliteTestService();

  it('refuses to round an int beyond 2^53 (a snowflake ID) unless asked, naming the column', async () => {
    const file = join(t.dir, 'ids.csv');
    writeFileSync(file, 'id,x\n1234567890123456789,1\n9007199254740991,\n-9007199254740991,3\n,4\n');
    const v = await t.service.add('ids', file);
    expect(v.columns.map((c) => c.type)).toEqual(['int', 'int']);
    const e = await expectKeelError(t.service.loadTable('ids'), 'INVALID_ARGUMENT', /column 'id' holds 1234567890123456789, an int beyond ±2\^53.*largeInts: 'nearest'.*--type id=string/);
    expect(e.field).toBe('largeInts');
    // The other columns load; so does the column with the nearest double when asked for it.
    expect(valuesOf(await t.service.loadTable('ids', { columns: ['x'] }), 'x')).toEqual([1, null, 3, 4]);
    expect(valuesOf(await t.service.loadTable('ids', { largeInts: 'nearest' }), 'id')).toEqual([1234567890123456800, 9007199254740991, -9007199254740991, null]);
    // ±(2^53 - 1) are exact, so they load as they are.
    const edges = join(t.dir, 'edges.csv');
    writeFileSync(edges, 'id,y\n9007199254740991,1\n-9007199254740991,2\n,3\n');
    expect(valuesOf(await t.service.loadTable(`edges@${(await t.service.add('edges', edges)).version}`), 'id')).toEqual([9007199254740991, -9007199254740991, null]);
  });

  it('refuses a largeInts or columns a caller got wrong, naming the option, before reading', async () => {
    const file = join(t.dir, 'opts.csv');
    writeFileSync(file, 'age,plan\n34,pro\n');
    await t.service.add('opts', file);
    const bad = await expectKeelError(t.service.loadTable('opts', { largeInts: 'round' as 'nearest' }), 'INVALID_ARGUMENT', /^largeInts: expected 'error' or 'nearest', got "round"$/);
    expect(bad.field).toBe('largeInts');
    const notList = await expectKeelError(t.service.loadTable('opts', { columns: 'age' as unknown as string[] }), 'INVALID_ARGUMENT', /^columns: expected a list of column names, got "age"$/);
    expect(notList.field).toBe('columns');
    expect(valuesOf(await t.service.loadTable('opts', { columns: ['age'], largeInts: 'error' }), 'age')).toEqual([34]);
  });

  it('loads timestamps as epoch milliseconds, their microseconds floored, before 1970 too', async () => {
    const file = join(t.dir, 'stamps.csv');
    writeFileSync(file, 't,n\n1969-12-31 23:59:59.999999,1\n1900-01-01 00:00:00.000001,2\n2024-01-02 03:04:05.123456,3\n,4\n');
    const v = await t.service.add('stamps', file);
    expect(v.columns[0]!.type).toBe('timestamp');
    const ms = valuesOf(await t.service.loadTable('stamps'), 't');
    expect(ms).toEqual([Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1900, 0, 1), Date.UTC(2024, 0, 2, 3, 4, 5, 123), null]);
    // The same instants `data head` shows.
    const head = await t.service.rows('stamps', { columns: ['t'] });
    expect(head.rows.map((r) => r[0])).toEqual(ms.map((x) => (x === null ? null : new Date(x as number).toISOString())));
  });

  it('loads no columns with the version\'s row count', async () => {
    const file = join(t.dir, 'three.csv');
    writeFileSync(file, 'a,b\n1,x\n2,y\n3,z\n');
    const v = await t.service.add('three', file);
    expect(await t.service.loadTable(`three@${v.version}`, { columns: [] })).toEqual({ numRows: 3, columns: [] });
  });

  it('refuses a column named twice before reading, naming it under columns, as data head does', async () => {
    const file = join(t.dir, 'twice.csv');
    writeFileSync(file, 'i,s\n1,x\n2,y\n');
    const ref = `twice@${(await t.service.add('twice', file)).version}`;
    for (const read of [t.service.loadTable(ref, { columns: ['s', 'i', 'i'] }), t.service.rows(ref, { columns: ['i', 'i'] })]) {
      expect((await expectKeelError(read, 'INVALID_ARGUMENT', /^columns: column 'i' is listed twice$/)).field).toBe('columns');
    }
  });
  it('matches column names with case, as no two columns share a name without case: i,I never selects i twice', async () => {
    // DuckDB would take I for i: the lists are checked first, and the refusal names the column.
    const one = join(t.dir, 'case-one.csv');
    writeFileSync(one, 'i,x\n1,2\n3,4\n');
    const hint = "names match with case, and the column is 'i'";
    await expectKeelError(t.service.add('case-one', one, { columns: ['i', 'I'] }), 'INVALID_ARGUMENT', new RegExp(`^columns: no column 'I' in the file; ${hint} \\(columns: i, x\\)$`));
    const ref = `case-one@${(await t.service.add('case-one', one)).version}`;
    for (const read of [t.service.loadTable(ref, { columns: ['i', 'I'] }), t.service.rows(ref, { columns: ['i', 'I'] })]) {
      await expectKeelError(read, 'INVALID_ARGUMENT', new RegExp(`^columns: no column 'I' in ${ref}; ${hint} \\(columns: i, x\\)$`));
    }
    // A file with both: the second is I_1 (the rename says so), and both are selectable.
    const both = join(t.dir, 'case-both.csv');
    writeFileSync(both, 'i,I\n1,10\n3,30\n');
    await expectKeelError(t.service.add('case-both', both, { columns: ['i', 'I'] }), 'INVALID_ARGUMENT', /^columns: no column 'I' in the file; column 2 'I' repeats the name of column 1 'i' \(names are compared without case\), so it is named 'I_1' \(columns: i, I_1\)$/);
    const v = await t.service.add('case-both', both, { columns: ['I_1', 'i'] });
    const table = await t.service.loadTable(`case-both@${v.version}`, { columns: ['I_1', 'i'] });
    expect([valuesOf(table, 'I_1'), valuesOf(table, 'i')]).toEqual([[10, 30], [1, 3]]);
  });
});
