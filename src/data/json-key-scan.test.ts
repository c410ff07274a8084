import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanRowKeys } from './json-key-scan.js';

/** The rows' keys as JSON.parse reads them: the reference. */
const parsedKeys = (rows: readonly object[]): string[] => [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();

const scanned = async (file: string, lines: boolean): Promise<string[] | undefined> => {
  const keys = await scanRowKeys(file, lines).keys;
  return keys && [...keys].sort();
};

describe('scanRowKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-keys-'));

  // Strings that look like keys or brackets, escapes (a quote, a backslash before the closing
  // quote, \u escapes in keys), nested objects whose keys are not the rows', and keys that fall on
  // the 1 MiB chunk boundaries (the rows' lengths vary, so every offset is met).
  const rows: object[] = [];
  for (let i = 0; i < 40_000; i++) {
    const row: Record<string, unknown> = { id: i, text: `say "x": {"not": 1}, [\\] ${'p'.repeat(i % 37)}`, tail: 'ends in \\' };
    if (i % 3 === 0) row['nested'] = { inner: [1, { deeper: 'x' }], 'k"q': '}' };
    if (i % 1000 === 7) row['é\u0001"'] = null;
    if (i === 39_999) row['late'] = true;
    rows.push(row);
  }

  it('finds the keys of NDJSON lines, as JSON.parse reads them', async () => {
    const file = join(dir, 'rows.ndjson');
    // Escaped as Python's json.dumps writes them (\u00e9), in some rows, and as UTF-8 in others.
    writeFileSync(file, rows.map((r, i) => (i % 2 === 0 ? JSON.stringify(r).replace(/é/g, '\\u00e9') : JSON.stringify(r))).join('\n'));
    expect(await scanned(file, true)).toEqual(parsedKeys(rows));
    expect(parsedKeys(rows)).toContain('late');
    expect(parsedKeys(rows)).not.toContain('inner');
  });

  it('finds the keys of an array\'s objects, pretty-printed or not', async () => {
    for (const [name, text] of [['compact.json', JSON.stringify(rows)], ['pretty.json', JSON.stringify(rows, null, 2)]] as const) {
      writeFileSync(join(dir, name), text);
      expect(await scanned(join(dir, name), false), name).toEqual(parsedKeys(rows));
    }
  });

  it('cannot tell the keys of a file that does not start with an object (or an array, but in NDJSON)', async () => {
    writeFileSync(join(dir, 'values.json'), '1\n2\n');
    expect(await scanned(join(dir, 'values.json'), false)).toBeUndefined();
    writeFileSync(join(dir, 'array.ndjson'), '[{"a": 1}]\n');
    expect(await scanned(join(dir, 'array.ndjson'), true)).toBeUndefined();
    writeFileSync(join(dir, 'space.ndjson'), '\n  {"a": 1}\n{"b": 2}\n');
    expect(await scanned(join(dir, 'space.ndjson'), true)).toEqual(['a', 'b']);
  });
});
