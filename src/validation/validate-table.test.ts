import { describe, expect, it } from 'vitest';
import { tableFromRows, type Row } from '../core/index.js';
import type { DatasetVersion } from '../data/index.js';
import { inferSchema, parseSchema, type Schema } from './schema.js';
import { validateTable } from './validate-table.js';

const clean: Row[] = Array.from({ length: 200 }, (_, i) => ({
  age: 20 + (i % 50),
  income: i % 10 === 0 ? null : 1000 + i * 10,
  country: ['FR', 'DE', 'US'][i % 3]!,
  member: i % 2 === 0,
}));

describe('inferSchema', () => {
  it('infers types, domains, ranges with slack and missing rates from a table', () => {
    const s = inferSchema(tableFromRows(clean));
    const by = Object.fromEntries(s.columns.map((c) => [c.name, c]));
    expect(by.age).toMatchObject({ type: 'int', required: true, maxMissingRate: 0, min: 17.55, max: 71.45 });
    expect(by.income).toMatchObject({ type: 'int', maxMissingRate: 0.2, min: 911, max: 3089 });
    expect(by.country).toMatchObject({ type: 'string', domain: ['DE', 'FR', 'US'] });
    expect(by.member).toMatchObject({ type: 'bool', domain: ['false', 'true'] });
    expect(parseSchema(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('infers from a dataset version profile', () => {
    const version = {
      name: 'd', version: 'abcdefabcdef', rows: 100, contentSha256: '', artifactSha256: '', source: '', createdAt: 0,
      columns: [
        { name: 'x', type: 'float', nullable: true, stats: { count: 95, missing: 5, min: -2, max: 8, mean: 1, std: 1, distinct: 90, quantiles: null, top: [], histogram: null } },
        { name: 'c', type: 'string', nullable: false, stats: { count: 100, missing: 0, min: null, max: null, mean: null, std: null, distinct: 2, quantiles: null, top: [{ value: 'a', count: 60 }, { value: 'b', count: 40 }], histogram: null } },
      ],
    } satisfies DatasetVersion;
    const s = inferSchema(version);
    expect(s.source).toBe('inferred from d@abcdefabcdef');
    expect(s.columns).toEqual([
      { name: 'x', type: 'float', required: true, maxMissingRate: 0.1, min: -2.5, max: 8.5 },
      { name: 'c', type: 'string', required: true, maxMissingRate: 0, domain: ['a', 'b'] },
    ]);
    const report = validateTable(s, { ...version, columns: [version.columns[0]!, { ...version.columns[1]!, stats: { ...version.columns[1]!.stats, distinct: 3, top: [{ value: 'a', count: 50 }, { value: 'b', count: 30 }, { value: 'zz', count: 20 }] } }] });
    expect(report.anomalies.map((a) => [a.column, a.kind, (a.details as { share?: number }).share])).toEqual([['c', 'new_values', 0.2]]);
  });

  it('rejects a malformed schema naming the field', () => {
    expect(() => parseSchema({ format: 1, columns: [{ name: 'a', type: 'float', required: true, maxMissingRate: 2 }] })).toThrow(/columns\[0\]\.maxMissingRate/);
    expect(() => parseSchema({ format: 1, columns: [], severity: { drift: 'fatal' } })).toThrow(/severity\.drift/);
  });
});

describe('validateTable', () => {
  const schema = inferSchema(tableFromRows(clean));

  it('finds no anomaly in a clean batch', () => {
    const r = validateTable(schema, tableFromRows(clean.slice(0, 120)));
    expect(r.anomalies).toEqual([]);
    expect(r.errors).toBe(0);
  });

  it('reports TFDV-style anomalies in a corrupted batch, with shares and severities', () => {
    const corrupted = clean.map((r, i) => ({
      age: i < 20 ? -1 : r.age,
      income: i % 4 === 0 ? null : r.income,
      country: i < 30 ? 'XX' : r.country,
      extra: 1,
    }));
    const r = validateTable(schema, tableFromRows(corrupted));
    const got = r.anomalies.map((a) => ({ column: a.column, kind: a.kind, severity: a.severity, share: (a.details as { share?: number }).share }));
    expect(got).toEqual([
      { column: 'extra', kind: 'unexpected_column', severity: 'warning', share: undefined },
      { column: 'age', kind: 'out_of_range', severity: 'error', share: 0.1 },
      { column: 'income', kind: 'missing_rate', severity: 'error', share: undefined },
      { column: 'country', kind: 'new_values', severity: 'error', share: 0.15 },
      { column: 'member', kind: 'missing_column', severity: 'error', share: undefined },
    ]);
    expect(r.errors).toBe(4);
    expect(r.warnings).toBe(1);
  });

  it('applies severity overrides and reports type changes and drift against a reference', () => {
    const edited: Schema = { ...schema, severity: { drift: 'error' }, columns: schema.columns.map((c) => (c.name === 'member' ? { ...c, required: false } : c)) };
    const shifted = clean.map((r) => ({ ...r, age: String(r.age), income: (r.income as number | null) === null ? null : (r.income as number) * 1.5 + 1 }));
    const r = validateTable({ ...edited, columns: edited.columns.map((c) => (c.name === 'income' ? { ...c, max: null } : c)) }, tableFromRows(shifted), tableFromRows(clean));
    expect(r.anomalies.map((a) => [a.column, a.kind, a.severity])).toEqual([
      ['age', 'type_change', 'error'],
      ['income', 'drift', 'error'],
    ]);
    expect(r.drift?.columns.find((c) => c.column === 'income')?.test).toBe('ks');
  });
});
