import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectKeelError, sqliteTestService } from './test-helpers.js';

// Numbers in a CSV as pandas.read_csv reads them (pandas 1.5.3; its values in the comments).

describe('numbers written as pandas reads them', () => {
  const t = sqliteTestService();

  it("types a column of numbers with an explicit + as int or float (DuckDB's sniffer takes it for text), the values exact", async () => {
    const file = join(t.dir, 'signed.csv');
    writeFileSync(file, 'a,b,c,z,u,big,huge\n+5,+1.5,+1e3,+007,1_000,+9007199254740993,+99999999999999999999\n+6,2,-2.5E-1,1,2,1,1\n-7,+.5,+0,2,3,-1,2\n');
    const v = await t.service.add('signed', file);
    // pandas: a int64, b float64, c float64, z int64 (Keel keeps leading zeros as text), u object,
    // big int64, huge object.
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:int', 'b:float', 'c:float', 'z:string', 'u:string', 'big:int', 'huge:string']);
    const out = join(t.dir, 'signed-out.csv');
    await t.service.export(`signed@${v.version}`, out);
    // pandas: [5, 1.5, 1000.0, 7, '1_000', 9007199254740993, '+99999999999999999999'], [6, 2.0, -0.25, 1, '2', 1, '1'], [-7, 0.5, 0.0, 2, '3', -1, '2'].
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'a,b,c,z,u,big,huge',
      '5,1.5,1000.0,+007,1_000,9007199254740993,+99999999999999999999',
      '6,2.0,-0.25,1,2,1,1',
      '-7,0.5,0.0,2,3,-1,2',
    ]);
  });

  it('reads whole numbers written as decimals into a column given the type int, as pandas\' int64 dtype does, and refuses 1.5', async () => {
    const file = join(t.dir, 'whole.csv');
    writeFileSync(file, 'x,y\n1.0,1\n2.00,2\n+3.,3\n-4.000,4\n1e3,5\n9007199254740993.0,6\n');
    // pandas.read_csv(dtype={'x': 'int64'}): [1, 2, 3, -4, 1000, 9007199254740992] (Keel reads the last exactly).
    const v = await t.service.add('whole', file, { types: { x: 'int' } });
    expect(v.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['x:int', 'y:int']);
    const out = join(t.dir, 'whole-out.csv');
    await t.service.export(`whole@${v.version}`, out);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(',')[0])).toEqual(['x', '1', '2', '3', '-4', '1000', '9007199254740993']);
    // pandas: "cannot safely convert passed user dtype of int64 for float64 dtyped data".
    writeFileSync(file, 'x\n1.0\n1.5\n');
    await expectKeelError(t.service.add('whole', file, { types: { x: 'int' } }), 'INVALID_ARGUMENT', /column 'x' was given the type int, but holds 1\.5, which is not a whole number/);
  });
});
