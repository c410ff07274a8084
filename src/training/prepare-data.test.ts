import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../core/index.js';
import { prepareData } from './prepare-data.js';
import { linearKind } from './testing/linear-kind.js';
import { normalizeRequest } from './train-request.js';

const kinds = { 'linear-test': linearKind };
const prepare = (rows: Record<string, number | string | boolean | null>[], target: string, extra: Record<string, unknown> = {}) => {
  const req = normalizeRequest({ dataset: 'd', target, model: 'linear-test', ...extra }, kinds);
  return prepareData(tableFromRows(rows), req, ['x']);
};

describe('task inference from the target', () => {
  it('0/1 numbers and booleans are binary', () => {
    expect(prepare([{ x: 1, y: 0 }, { x: 2, y: 1 }], 'y')).toMatchObject({ task: 'binary', classes: ['0', '1'] });
    const b = prepare([{ x: 1, y: true }, { x: 2, y: false }, { x: 3, y: true }], 'y');
    expect(b).toMatchObject({ task: 'binary', classes: ['false', 'true'] });
    expect(Array.from(b.target)).toEqual([1, 0, 1]);
  });

  it('strings and few distinct ints are multiclass with a sorted label mapping', () => {
    const s = prepare([{ x: 1, y: 'cat' }, { x: 2, y: 'ant' }, { x: 3, y: 'bee' }, { x: 4, y: 'cat' }], 'y');
    expect(s).toMatchObject({ task: 'multiclass', classes: ['ant', 'bee', 'cat'] });
    expect(Array.from(s.target)).toEqual([2, 0, 1, 2]);
    expect(prepare([{ x: 1, y: 3 }, { x: 2, y: 1 }, { x: 3, y: 2 }], 'y')).toMatchObject({ task: 'multiclass', classes: ['1', '2', '3'] });
  });

  it('other numbers are regression; rows with a missing target are dropped', () => {
    const r = prepare([{ x: 1, y: 0.5 }, { x: 2, y: 1.5 }, { x: 3, y: null }, { x: 4, y: 2.25 }], 'y');
    expect(r).toMatchObject({ task: 'regression', droppedRows: 1 });
    expect(Array.from(r.target)).toEqual([0.5, 1.5, 2.25]);
    expect(r.features.numRows).toBe(3);
  });

  it('a forced task is checked against the target', () => {
    expect(prepare([{ x: 1, y: 0 }, { x: 2, y: 1 }], 'y', { task: 'regression' }).task).toBe('regression');
    expect(() => prepare([{ x: 1, y: 'a' }, { x: 2, y: 'b' }, { x: 3, y: 'c' }], 'y', { task: 'binary' })).toThrow(/target: binary classification needs exactly 2/);
    expect(() => prepare([{ x: 1, y: 'a' }, { x: 2, y: 'b' }], 'y', { task: 'regression' })).toThrow(/target: regression needs a numeric target/);
    expect(() => prepare([{ x: 1, y: 4 }, { x: 2, y: 4 }], 'y')).toThrow(/target: 'y' is constant/);
  });
});
