import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddDatasetOptions } from './dataset-service.js';
import { sqliteTestService } from './test-helpers.js';

// Spreadsheet exports as written by hand, read as pandas.read_csv (1.5.3) reads them with the
// matching options; its values in the comments.

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);

describe('spreadsheet exports', () => {
  const t = sqliteTestService();

  /** The version's columns (name:type:missing) and its rows. */
  async function add(name: string, text: string, read: AddDatasetOptions = {}) {
    const path = join(t.dir, `${name}.csv`);
    writeFileSync(path, text);
    const v = await t.service.add(name, path, read);
    return { columns: v.columns.map((c) => `${c.name}:${c.type}:${c.stats.missing}`), rows: (await t.service.rows(`${name}@${v.version}`)).rows.map((r) => r.map(iso)) };
  }

  it('reads a German Excel export: BOM, quoted header, ;, decimal comma, thousands ., CRLF, ; ending every line, no last newline', async () => {
    // pandas (sep=';', decimal=',', thousands='.'): Datum int64 [50124, 310124, 10224] (its
    // thousands separator read into the dates), Betrag float64 [1234.5, -12.0, nan], Text object,
    // 'Unnamed: 3' float64, all NaN. Keel reads the dates day first (DuckDB's sniffer: year first).
    const found = await add('excel', '\ufeff"Datum";"Betrag";"Text";\r\n"05.01.24";"1.234,50";"Miete";\r\n"31.01.24";"-12,00";"Kaffee";\r\n"01.02.24";"";"x";', {
      delimiter: ';',
      decimal: ',',
      thousands: '.',
    });
    expect(found.columns).toEqual(['Datum:timestamp:0', 'Betrag:float:1', 'Text:string:0', 'column3:string:3']);
    expect(found.rows).toEqual([
      ['2024-01-05T00:00:00.000Z', 1234.5, 'Miete', null],
      ['2024-01-31T00:00:00.000Z', -12, 'Kaffee', null],
      ['2024-02-01T00:00:00.000Z', null, 'x', null],
    ]);
  });

  it('reads rows that end with the delimiter under a header that does not as their fields, as pandas with index_col=False', async () => {
    // pandas: a [1, 3], b [2, 4] with index_col=False; by default it takes a for the index and
    // shifts the rest left: a [2, 4], b [NaN, NaN].
    const found = await add('trailing', 'a;b\r\n1;2;\r\n3;4;\r\n', { delimiter: ';' });
    expect(found.columns).toEqual(['a:int:0', 'b:int:0']);
    expect(found.rows).toEqual([[1, 2], [3, 4]]);
  });
});
