import { describe, expect, it } from 'vitest';
import { cellValue, getColumn, makeTable, sliceRows, tableFromRows, tableToRows, takeRows } from './table.js';

describe('Table', () => {
  const rows = [
    { a: 1, b: 'x', c: true, d: 1.5 },
    { a: 2, b: null, c: false, d: null },
    { a: 3, b: 'y', c: null, d: -2 },
  ];

  it('infers types and encodes strings with a dictionary', () => {
    const t = tableFromRows(rows);
    expect(t.numRows).toBe(3);
    expect(t.columns.map((c) => c.type)).toEqual(['int', 'string', 'bool', 'float']);
    const b = getColumn(t, 'b');
    expect(b.type === 'string' && [...b.codes]).toEqual([0, -1, 1]);
    expect(Number.isNaN(cellValue(getColumn(t, 'd'), 1) ?? NaN)).toBe(true);
  });

  it('round-trips rows and takes and slices rows', () => {
    const t = tableFromRows(rows);
    expect(tableToRows(t)).toEqual(rows);
    expect(tableToRows(takeRows(t, [2, 0]))).toEqual([rows[2], rows[0]]);
    expect(tableToRows(sliceRows(t, 1, 3))).toEqual(rows.slice(1));
  });

  it('names the column that is missing or mis-sized', () => {
    const t = tableFromRows(rows);
    expect(() => getColumn(t, 'zz')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'name', message: "name: no column 'zz' (columns: a, b, c, d)" }));
    expect(() => getColumn(t, 'zz', 'columns')).toThrow(expect.objectContaining({ field: 'columns', message: "columns: no column 'zz' (columns: a, b, c, d)" }));
    expect(() => makeTable([{ name: 'p', type: 'float', values: new Float64Array(2) }, { name: 'q', type: 'float', values: new Float64Array(3) }])).toThrow(/'q' has 3 rows/);
  });
});
