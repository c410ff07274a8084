import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidArgument, lookupFor } from '../../core/index.js';
import { assertSchemaDatasetName, DRIFT_TESTS, parseSchema, renderDriftHtml, type DriftOptions, type DriftReport, type DriftTest, type Schema, type ValidationResult } from '../../validation/index.js';
import { ValidationClient, type ValidationApi } from '../../client/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { counted, printJson, printLine, printTable, tableTime } from '../output.js';
import { positiveInt } from '../option-values.js';
import { runCommand } from '../run-command.js';
import { readJsonFile } from '../user-files.js';

/** Exit status of `keel validate` when the batch has anomalies of error severity (docs/validation.md). */
export const ANOMALIES_EXIT_CODE = 1;

/** One face over the local service and the remote SDK, so every command works with --server. */
type Api = ValidationApi<Schema, ValidationResult, DriftReport>;

async function api(ctx: CliContext): Promise<Api> {
  if (ctx.isRemote) return new ValidationClient<Schema, ValidationResult, DriftReport>(ctx.client().http);
  const s = (await ctx.platform()).validation;
  return {
    inferSchema: (ref, o = {}) => s.inferSchema(ref, o),
    saveSchema: (name, schema, source) => s.saveSchema(name, schema, source),
    getSchema: (name, version) => s.getSchema(name, version),
    listSchemas: (name) => s.listSchemas(name),
    validate: async (ref, o = {}) => {
      const { version: _v, ...rest } = await s.validate(ref, o);
      return rest;
    },
    drift: (a, b, o = {}) => s.drift(a, b, o as DriftOptions),
  };
}

/**
 * `schema save` asks for the dataset before it reads the file, so a wrong dataset is reported
 * first (as the save would report it: naming `dataset`), both ways.
 */
async function requireDataset(ctx: CliContext, name: string): Promise<void> {
  assertSchemaDatasetName(name);
  await lookupFor('dataset', async () => (ctx.isRemote ? ctx.client().datasets.versions(name) : (await ctx.platform()).datasets.versions(name)), ['name']);
}

/** `field` is how the command names the file: `--schema` for validate, the `file` argument for schema save. */
async function readSchemaFile(path: string, field: string): Promise<Schema> {
  return parseSchema(await readJsonFile(path, field), path);
}

function parseMethod(text: string | undefined): DriftTest | Record<string, DriftTest> | undefined {
  if (text === undefined) return undefined;
  const check = (t: string): DriftTest => {
    if (!DRIFT_TESTS.includes(t as DriftTest)) throw invalidArgument('--method', `unknown test '${t}' (known: ${DRIFT_TESTS.join(', ')})`);
    return t as DriftTest;
  };
  if (!text.includes('=')) return check(text);
  // col=ks,other=psi
  return Object.fromEntries(text.split(',').map((p) => { const [c, t] = p.split('='); return [c!.trim(), check(t!.trim())]; }));
}

function parseNumber(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) throw invalidArgument(field, `expected a number, got '${text}'`);
  return v;
}

function printDrift(drift: DriftReport): void {
  printTable(drift.columns.map((c) => ({ column: c.column, test: c.test, statistic: c.statistic, p_value: c.pValue ?? null, threshold: c.threshold, drift: c.drifted ? 'DRIFT' : 'ok' })));
  printLine(`${drift.columns.filter((c) => c.drifted).length}/${drift.columns.length} columns drifted (${(drift.driftedShare * 100).toFixed(1)}%): ${drift.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'} (threshold ${drift.datasetDriftShare * 100}%)`);
  for (const s of drift.skipped) printLine(`not compared: ${s.column} (${s.reason})`);
}

export function registerValidationCommands(program: Command, context: ContextFactory): void {
  program.command('validate <dataset>')
    .description('validate a dataset version (NAME@VER) against a schema; exits 1 on error-severity anomalies')
    .option('--schema <file>', "schema JSON file (default: the dataset's latest saved schema)")
    .option('--against <dataset>', 'check distribution drift against this dataset version (NAME@VER)')
    .option('--report <file>', 'write a self-contained HTML drift report (needs --against)')
    .action(runCommand(context, async (ctx, o: { schema?: string; against?: string; report?: string }, ref: string) => {
      if (o.report && !o.against) throw invalidArgument('--report', 'the drift report needs --against NAME@VER');
      const schema = o.schema ? await readSchemaFile(o.schema, '--schema') : undefined;
      const v = await (await api(ctx)).validate(ref, { ...(schema ? { schema } : {}), ...(o.against ? { against: o.against } : {}), distributions: o.report !== undefined });
      const { report } = v;
      if (o.report && report.drift) {
        await writeFile(o.report, renderDriftHtml({ title: `Keel drift report: ${v.batch}`, current: v.batch, reference: v.against ?? '', drift: report.drift, anomalies: report.anomalies, generatedAt: Date.now() }));
      }
      if (ctx.json) printJson({ ...v, report: report.drift ? { ...report, drift: { ...report.drift, columns: report.drift.columns.map(({ distribution: _d, ...c }) => c) } } : report });
      else {
        printLine(`${v.batch}: ${counted(report.rows, 'row')} checked against ${v.schemaSource}`);
        if (report.anomalies.length === 0) printLine('no anomalies');
        else printTable(report.anomalies.map((a) => ({ column: a.column, anomaly: a.kind, severity: a.severity.toUpperCase(), description: a.description })));
        if (report.drift) { printLine(); printLine(`drift against ${v.against}:`); printDrift(report.drift); }
        if (o.report) printLine(`report written to ${o.report}`);
        printLine(`${report.errors} error(s), ${report.warnings} warning(s)`);
      }
      if (report.errors > 0) process.exitCode = ANOMALIES_EXIT_CODE;
    }));

  program.command('drift <reference> <current>')
    .description("per-column drift of CURRENT against REFERENCE (dataset versions), with Evidently's default tests")
    .option('--method <test>', `one test for all columns, or col=test,...: ${DRIFT_TESTS.join(' | ')}`)
    .option('--threshold <value>', 'threshold for every column (default per test: p 0.05, distances 0.1)')
    .option('--share <value>', 'dataset drift when at least this share of columns drift (default 0.5)')
    .option('--report <file>', 'write a self-contained HTML drift report')
    .action(runCommand(context, async (ctx, o: { method?: string; threshold?: string; share?: string; report?: string }, reference: string, current: string) => {
      const method = parseMethod(o.method);
      const threshold = parseNumber(o.threshold, '--threshold');
      if (threshold !== undefined && !(threshold > 0)) throw invalidArgument('--threshold', `expected a positive number, got '${o.threshold}'`);
      const share = parseNumber(o.share, '--share');
      if (share !== undefined && !(share > 0 && share <= 1)) throw invalidArgument('--share', `expected a share in (0, 1], got '${o.share}'`);
      const drift = await (await api(ctx)).drift(reference, current, {
        ...(method ? { method } : {}), ...(threshold !== undefined ? { threshold } : {}), ...(share !== undefined ? { datasetDriftShare: share } : {}), distributions: o.report !== undefined,
      });
      if (o.report) await writeFile(o.report, renderDriftHtml({ title: `Keel drift report: ${current}`, current, reference, drift, generatedAt: Date.now() }));
      if (ctx.json) printJson({ ...drift, columns: drift.columns.map(({ distribution: _d, ...c }) => c) });
      else { printDrift(drift); if (o.report) printLine(`report written to ${o.report}`); }
    }));

  const schema = program.command('schema').description('data schemas: infer, show, save, list (versioned per dataset)');
  schema.command('infer <dataset>')
    .description('infer a schema from a dataset version (NAME@VER) and save it as the next schema version')
    .option('--out <file>', 'also write the schema JSON to this file (edit it, then `keel schema save`)')
    .option('--no-save', 'do not store it in the metadata DB')
    .option('--max-domain <n>', 'categoricals with at most N distinct values get a value domain', '20')
    .action(runCommand(context, async (ctx, o: { out?: string; save: boolean; maxDomain: string }, ref: string) => {
      const maxDomainSize = positiveInt('--max-domain', o.maxDomain, 0);
      const a = await api(ctx);
      const inferred = await a.inferSchema(ref, { maxDomainSize });
      const saved = o.save ? await a.saveSchema(ref.split('@')[0]!, inferred, inferred.source) : null;
      if (o.out) await writeFile(o.out, `${JSON.stringify(inferred, null, 2)}\n`);
      if (ctx.json) printJson(saved ?? { schema: inferred });
      else {
        printSchema(inferred);
        if (saved) printLine(`saved as ${saved.dataset} schema v${saved.version}`);
        if (o.out) printLine(`written to ${o.out}`);
      }
    }));
  schema.command('show <dataset>')
    .description("show a dataset's saved schema (latest, or --version N)")
    .option('--version <n>', 'schema version')
    .action(runCommand(context, async (ctx, o: { version?: string }, name: string) => {
      const saved = await (await api(ctx)).getSchema(name, o.version === undefined ? undefined : positiveInt('--version', o.version));
      if (ctx.json) printJson(saved);
      else { printLine(`${saved.dataset} schema v${saved.version} (${saved.source}, ${tableTime(saved.createdAt)})`); printSchema(saved.schema); }
    }));
  schema.command('save <dataset> <file>')
    .description('save an (edited) schema JSON file as the next schema version of a dataset')
    .action(runCommand(context, async (ctx, _o: object, name: string, file: string) => {
      await requireDataset(ctx, name);
      const saved = await (await api(ctx)).saveSchema(name, await readSchemaFile(file, 'file'), `file ${file}`);
      if (ctx.json) printJson(saved);
      else printLine(`saved as ${saved.dataset} schema v${saved.version}`);
    }));
  schema.command('ls <dataset>')
    .description("list a dataset's schema versions")
    .action(runCommand(context, async (ctx, _o: object, name: string) => {
      const list = await (await api(ctx)).listSchemas(name);
      if (ctx.json) printJson(list);
      else printTable(list.map((s) => ({ version: s.version, source: s.source, created: tableTime(s.createdAt) })));
    }));
}

function printSchema(s: Schema): void {
  printTable(s.columns.map((c) => ({
    column: c.name, type: c.type, required: c.required ? 'yes' : 'no', max_missing: c.maxMissingRate,
    domain: c.domain ? `${c.domain.slice(0, 6).join(', ')}${c.domain.length > 6 ? `, … (${c.domain.length})` : ''}` : '',
    range: c.min != null || c.max != null ? `[${c.min ?? '-inf'}, ${c.max ?? 'inf'}]` : '',
  })));
}
