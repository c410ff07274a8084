/**
 * Keel's learner against XGBoost hist with the same params on the committed dataset
 * (testdata/make-expected.py): not the same trees, but the same quality within a small margin.
 */
import { describe, expect, it } from 'vitest';
import expected from './testdata/expected.json' with { type: 'json' };
import { gbdtKind } from './gbdt-kind.js';
import { loadTestSplit, rocAuc } from './gbdt-test-data.js';

const train = loadTestSplit('train');
const test = loadTestSplit('test');
const params = gbdtKind.parseParams({ ...expected.params, nthread: 1 });

describe('gbdt vs XGBoost hist', () => {
  it('regression RMSE is within 3% of XGBoost', async () => {
    const model = await gbdtKind.fit({ train: train.table, trainTarget: train.yReg, task: 'regression' }, params, { seed: 0 });
    const p = model.predict(test.table);
    let se = 0;
    for (let i = 0; i < p.length; i++) se += (p[i]! - test.yReg[i]!) ** 2;
    const rmse = Math.sqrt(se / p.length);
    expect(rmse).toBeLessThan(expected.regression.rmse * 1.03);
    expect(rmse).toBeGreaterThan(expected.regression.rmse * 0.9);
  });

  it('binary AUC is within 0.01 of XGBoost', async () => {
    const model = await gbdtKind.fit({ train: train.table, trainTarget: train.yBin, task: 'binary' }, params, { seed: 0 });
    const auc = rocAuc(test.yBin, model.predict(test.table));
    expect(Math.abs(auc - expected.binary.auc)).toBeLessThan(0.01);
  });

  it('multiclass log loss is within 0.03 of XGBoost', async () => {
    const model = await gbdtKind.fit({ train: train.table, trainTarget: train.yMulti, task: 'multiclass', numClasses: 3 }, params, { seed: 0 });
    const p = model.predict(test.table);
    let ll = 0;
    let correct = 0;
    for (let i = 0; i < test.yMulti.length; i++) {
      const row = p.subarray(i * 3, i * 3 + 3);
      ll -= Math.log(Math.max(row[test.yMulti[i]!]!, 1e-15));
      if (row.indexOf(Math.max(...row)) === test.yMulti[i]) correct++;
    }
    expect(Math.abs(ll / test.yMulti.length - expected.multiclass.mlogloss)).toBeLessThan(0.03);
    expect(Math.abs(correct / test.yMulti.length - expected.multiclass.accuracy)).toBeLessThan(0.03);
  });
});
