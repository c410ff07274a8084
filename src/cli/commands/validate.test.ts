import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, silentLogger } from '../../core/index.js';
import { openPlatform } from '../../api/index.js';
import { buildProgram } from '../main.js';
import { runKeelInProcess } from '../test-server.js';

function csv(n: number, corrupt: boolean): string {
  const lines = ['amount,country'];
  for (let i = 0; i < n; i++) lines.push(`${corrupt && i % 10 === 0 ? -1 : ((i * 7919) % n) / 10 + (corrupt ? 40 : 0)},${corrupt && i % 4 === 0 ? 'XX' : ['FR', 'DE', 'US'][i % 3]}`);
  return `${lines.join('\n')}\n`;
}

async function keel(home: string, ...args: string[]): Promise<{ out: string; exitCode: number }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { chunks.push(String(c)); return true; });
  process.exitCode = 0;
  try {
    await (await buildProgram()).parseAsync(['node', 'keel', '--home', home, ...args]);
  } finally {
    spy.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: chunks.join(''), exitCode };
}

describe('keel validate / schema', () => {
  let home: string, train: string, clean: string, bad: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keel-cli-validate-'));
    const platform = await openPlatform(loadConfig({ cwd: home, env: { KEEL_HOME: home } }), silentLogger);
    try {
      const add = async (name: string, text: string) => {
        writeFileSync(join(home, name), text);
        const v = await platform.datasets.add('sales', join(home, name));
        return `sales@${v.version}`;
      };
      train = await add('train.csv', csv(1200, false));
      clean = await add('clean.csv', csv(1200, false).replace('0.1,', '0.1,'));
      bad = await add('bad.csv', csv(500, true));
    } finally {
      await platform.close();
    }
  });
  afterEach(() => { process.exitCode = 0; });

  it('drift and schema infer name the flag or the column of a bad option', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => { errors.push(String(c)); return true; });
    const fails = async (...args: string[]) => {
      errors.length = 0;
      expect((await keel(home, '--json', 'drift', train, bad, ...args)).exitCode).toBe(2);
      return (JSON.parse(errors.join('')) as { error: { code: string; field: string } }).error;
    };
    try {
      expect(await fails('--share', '2')).toEqual(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: '--share' }));
      expect(await fails('--method', 'amount=psi,contry=psi')).toEqual(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'method.contry' }));
      errors.length = 0;
      expect((await keel(home, '--json', 'schema', 'infer', train, '--no-save', '--max-domain', '-3')).exitCode).toBe(2);
      expect(JSON.parse(errors.join(''))).toMatchObject({ error: { code: 'INVALID_ARGUMENT', field: '--max-domain' } });
    } finally {
      spy.mockRestore();
    }
  });

  it('infers and saves a schema, then gates batches by exit status', async () => {
    const schemaFile = join(home, 'schema.json');
    const inferred = await keel(home, 'schema', 'infer', train, '--out', schemaFile);
    expect(inferred.out).toContain('saved as sales schema v1');
    expect(JSON.parse(readFileSync(schemaFile, 'utf8')).columns.map((c: { name: string }) => c.name)).toEqual(['amount', 'country']);

    const ok = await keel(home, 'validate', clean);
    expect(ok.exitCode).toBe(0);
    expect(ok.out).toContain('no anomalies');

    const report = join(home, 'drift.html');
    const failed = await keel(home, '--json', 'validate', bad, '--against', train, '--report', report);
    expect(failed.exitCode).toBe(1);
    const body = JSON.parse(failed.out) as { report: { errors: number; anomalies: { column: string; kind: string }[] } };
    expect(body.report.anomalies.map((a) => `${a.column}:${a.kind}`)).toEqual(['amount:out_of_range', 'country:new_values', 'amount:drift', 'country:drift']);
    expect(body.report.errors).toBe(2);
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8').match(/<section class="column"/g)).toHaveLength(2);

    const shown = await keel(home, 'schema', 'show', 'sales');
    // Times as data ls, runs ls and models ls print them: `2025-01-31 12:00:05`, UTC.
    expect(shown.out).toMatch(/^sales schema v1 \(inferred from sales@[0-9a-f]{12}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)\n/);
    expect((await keel(home, 'schema', 'ls', 'sales')).out).toMatch(/^VERSION +SOURCE +CREATED\n +1 +inferred from sales@[0-9a-f]{12} +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$/);
  });

  // --threshold -1 was taken (every distance drifts, no p-value does), --share 2 named the SDK's
  // datasetDriftShare, and a per-column test for a column the data lacks was left unused.
  it('drift refuses a threshold, share or per-column test it cannot use, naming the flag or field', async () => {
    const refused = async (...args: string[]) => {
      const r = await runKeelInProcess(['--home', home, '--json', 'drift', train, bad, ...args]);
      expect(r.exitCode).toBe(2);
      return JSON.parse(r.stderr).error as { field: string; message: string };
    };
    expect(await refused('--threshold', '-1')).toEqual({ code: 'INVALID_ARGUMENT', field: '--threshold', message: "--threshold: expected a positive number, got '-1'" });
    expect(await refused('--share', '2')).toEqual({ code: 'INVALID_ARGUMENT', field: '--share', message: "--share: expected a share in (0, 1], got '2'" });
    expect(await refused('--method', 'amount=ks,amonut=psi')).toEqual({ code: 'INVALID_ARGUMENT', field: 'method.amonut', message: "method.amonut: no column 'amonut' in the reference (columns: amount, country)" });
    expect((await runKeelInProcess(['--home', home, '--json', 'drift', train, bad, '--method', 'amount=psi', '--threshold', '0.2'])).exitCode).toBe(0);
  });

  // --max-domain -1 and 2.5 were taken (and the schema saved), --version 1.5 looked for a version 1.5.
  it('schema infer and show refuse a count that is not a whole number, saving nothing', async () => {
    const before = (await runKeelInProcess(['--home', home, '--json', 'schema', 'ls', 'sales'])).stdout;
    for (const [args, flag, min] of [[['schema', 'infer', train, '--max-domain', '-1'], '--max-domain', 0], [['schema', 'infer', train, '--max-domain', '2.5'], '--max-domain', 0], [['schema', 'show', 'sales', '--version', '1.5'], '--version', 1], [['schema', 'show', 'sales', '--version', '0'], '--version', 1]] as const) {
      const r = await runKeelInProcess(['--home', home, '--json', ...args]);
      expect({ exitCode: r.exitCode, error: JSON.parse(r.stderr).error }).toEqual({ exitCode: 2, error: { code: 'INVALID_ARGUMENT', field: flag, message: `${flag}: expected an integer >= ${min}, got '${args[args.length - 1]}'` } });
    }
    expect((await runKeelInProcess(['--home', home, '--json', 'schema', 'ls', 'sales'])).stdout).toBe(before);
  });

  // Node's own words ("ENOENT: no such file or directory, open '...'") were passed on as they were.
  it('names the file flag and says plainly why a schema file cannot be read', async () => {
    const missing = join(home, 'nope.json');
    for (const [args, field] of [[['validate', train, '--schema', missing], '--schema'], [['schema', 'save', 'sales', missing], 'file']] as const) {
      const r = await runKeelInProcess(['--home', home, '--json', ...args]);
      expect({ exitCode: r.exitCode, error: JSON.parse(r.stderr).error }).toEqual({ exitCode: 2, error: { code: 'INVALID_ARGUMENT', field, message: `${field}: cannot read '${missing}': no such file or directory (ENOENT)` } });
    }
  });
});
