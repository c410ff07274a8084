/** Test support: reads the committed CSVs of testdata/ into Tables (numbers, empty = missing). */
import { readFileSync } from 'node:fs';
import { makeTable, type Column, type Table } from '../../core/index.js';

export interface TestSplit {
  readonly table: Table;
  readonly yReg: Float64Array;
  readonly yBin: Float64Array;
  readonly yMulti: Float64Array;
}

export function loadTestSplit(name: 'train' | 'test'): TestSplit {
  const text = readFileSync(new URL(`./testdata/gbdt-${name}.csv`, import.meta.url), 'utf8').trim();
  const [header, ...lines] = text.split('\n');
  const names = header!.split(',');
  const cells = lines.map((l) => l.split(','));
  const num = (j: number): Float64Array => Float64Array.from(cells, (r) => (r[j] === '' ? NaN : Number(r[j])));
  const columns: Column[] = [];
  for (let j = 0; j < names.length; j++) {
    const name = names[j]!;
    if (name.startsWith('y_')) continue;
    if (name === 'c') {
      const dictionary = ['a', 'b', 'c', 'd', 'e', 'f'];
      columns.push({ name, type: 'string', codes: Int32Array.from(cells, (r) => dictionary.indexOf(r[j]!)), dictionary });
    } else columns.push({ name, type: 'float', values: num(j) });
  }
  return { table: makeTable(columns), yReg: num(names.indexOf('y_reg')), yBin: num(names.indexOf('y_bin')), yMulti: num(names.indexOf('y_multi')) };
}

/** ROC AUC by the rank-sum formula, ties averaged. */
export function rocAuc(y: Float64Array, p: Float64Array): number {
  const idx = [...p.keys()].sort((a, b) => p[a]! - p[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]!] === 1) {
      rankSumPos += rank;
      pos++;
    }
    i = j + 1;
  }
  const neg = y.length - pos;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
