import type { Command } from 'commander';
import { invalidArgument, lookupFor, renamingFields, splitList } from '../../core/index.js';
import { assertDatasetName, MAX_PAGE_ROWS, parseTypeList, resolveTypes } from '../../data/index.js';
import type { ContextFactory } from '../context.js';
import { counted, formatCell, isStdout, printJson, printLine, printNote, printTable, progressBar, tableTime } from '../output.js';
import { interruptible } from '../interrupt.js';
import { positiveInt } from '../option-values.js';
import { runCommand } from '../run-command.js';
import { dataOps, withStdinSpooled } from './data-ops.js';
import { printDiff } from './data-diff-output.js';
import { addJson, cellText, printColumn, showJson, shown, truncate } from './data-output.js';

/** A flag that takes a count (rows, an offset). */
function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw invalidArgument(flag, `expected a whole number, got '${text}'`);
  return n;
}

/**
 * The read options of `keel data add` (the library's, the server's query parameters) as the flags
 * the user typed: `dateFormat` is `--date-format`, `types` `--type`, `header` `--no-header`. The
 * file and the name are arguments, named as they are (`file`, `name`).
 */
const ADD_FIELDS = {
  format: '--format', description: '--description', encoding: '--encoding', delimiter: '--delimiter', decimal: '--decimal',
  thousands: '--thousands', comment: '--comment', na: '--na', header: '--no-header', names: '--names', skip: '--skip',
  columns: '--columns', dateFormat: '--date-format', fillShortRows: '--fill-short-rows', types: '--type',
} as const;

export function registerDataCommands(program: Command, context: ContextFactory): void {
  const data = program.command('data').description('versioned datasets: add, list, show statistics, head, diff, export');

  data
    .command('add <name> <file>')
    .description('add a dataset version from a CSV, Parquet, JSON or NDJSON file, a folder of them or a quoted glob (identical content returns the same version)')
    .option('--format <format>', 'csv, parquet, json or ndjson (default: from the file extension; needed for stdin, FILE -)')
    .option('--description <text>', 'a description of the dataset')
    .option('--encoding <encoding>', "a CSV's text encoding: utf-8 (default), latin-1 or utf-16")
    .option('--delimiter <chars>', "a CSV's delimiter, e.g. ';', '|' or ', ' (up to four bytes; '\\t' or tab for a tab; default a comma, a tab for .tsv)")
    .option('--decimal <char>', "a CSV's decimal separator: '.' (default) or ',' (numbers written 1,5; with another --delimiter)")
    .option('--thousands <char>', "a CSV's thousands separator, as pandas' thousands: e.g. --thousands . --decimal , for 1.234,5")
    .option('--comment <char>', "a CSV's comment character, as pandas' comment: lines that start with it are skipped, and the rest of a line after it")
    .option('--no-header', 'the CSV has no header line: its first line is data, its columns column0, column1, ...')
    .option('--names <list>', "the columns' names of a CSV without a header line, comma-separated, a comma in a name written '\\,' (implies --no-header)")
    .option('--skip <lines>', "lines of a CSV to skip before its header, a preamble (pandas' skiprows)")
    .option('--columns <list>', "only these columns, comma-separated (a comma in a name: '\\,'), in the file's order (pandas' usecols)")
    .option('--na <value>', "one more spelling of a missing value in a CSV, in every column, as pandas' na_values (repeat it: --na '?' --na -)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--date-format <format>', "the strptime format of a CSV's dates, as pandas' date_format: e.g. '%m/%d/%Y' reads 05/01/2024 as 1 May (the sniffer's own is told in a note when another order would read the dates too)")
    .option('--fill-short-rows', "read a CSV's rows with fewer fields than the header, the missing ones as missing values, as pandas fills them with NaN (refused by default: a short row is more often a broken line)")
    .option('--type <column=type>', 'a column type replacing the sniffed one (int, float, bool, string, timestamp), e.g. --type zip=string (repeat it, or comma-separate)', (v: string, prev: string[] = []) => [...prev, v])
    .action(runCommand(context, async (ctx, flags: { format?: string; description?: string; encoding?: string; delimiter?: string; decimal?: string; thousands?: string; comment?: string; na?: string[]; header: boolean; names?: string; skip?: string; columns?: string; dateFormat?: string; fillShortRows?: boolean; type?: string[] }, name: string, file: string) => renamingFields(ADD_FIELDS, async () => {
      // Checked here too: through --server, '..' or '.' would be taken out of the URL's path.
      assertDatasetName(name, 'name');
      const { type: typeFlags, names, header, skip, columns, ...rest } = flags;
      const types = typeFlags && resolveTypes(parseTypeList(typeFlags, '--type'));
      const opts = {
        ...rest,
        ...(types ? { types: Object.fromEntries(types) } : {}),
        ...(header ? {} : { header: false }),
        ...(names !== undefined ? { names: splitList(names) } : {}),
        ...(skip !== undefined ? { skip: positiveInt('--skip', skip, 0) } : {}),
        ...(columns !== undefined ? { columns: splitList(columns) } : {}),
      };
      const bar = progressBar();
      const started = Date.now();
      const ops = await dataOps(ctx);
      const v = await withStdinSpooled(file, opts.format, (path, source) =>
        interruptible((signal) => ops.add(name, path, { ...opts, ...(source ? { source } : {}) }, (e) => bar.update(e), signal)),
      ).finally(() => bar.done());
      // A column renamed, why a read started again (a column widened): the bar showed it in
      // passing (not through --server), the answer keeps it.
      for (const n of v.notes ?? []) printNote(n);
      if (ctx.json) return printJson(addJson(v));
      // Identical content returns the version that already holds it.
      // The description given with it is the dataset's now (DatasetService.addedAgain): say so.
      const described = opts.description === undefined ? '' : '; the description is updated';
      const known = v.createdAt < started ? `, unchanged: the same content was added ${tableTime(v.createdAt)}${described}` : '';
      printLine(`${v.name}@${v.version}: ${counted(v.rows, 'row')} × ${counted(v.columns.length, 'column')} (${((Date.now() - started) / 1000).toFixed(2)} s${known})`);
    })));

  data
    .command('ls [name]')
    .description('list datasets; with NAME, the versions of that dataset, newest first')
    .action(runCommand(context, async (ctx, _opts: object, name: string | undefined) => {
      if (name !== undefined) {
        // A dataset that does not exist is named as the argument it came from, locally and remotely.
        const versions = await lookupFor('name', async () => (await dataOps(ctx)).versions(name));
        if (ctx.json) return printJson(versions);
        printTable(
          versions.map((v) => ({ version: v.version, rows: v.rows, added: tableTime(v.createdAt), source: v.source })),
          ['version', 'rows', 'added', 'source'],
        );
        return;
      }
      const list = await (await dataOps(ctx)).list();
      if (ctx.json) return printJson(list);
      printTable(
        list.map((d) => ({ name: d.name, versions: d.versions, latest: d.latest, rows: d.rows, updated: d.updatedAt ? tableTime(d.updatedAt) : null, description: d.description === null ? null : truncate(d.description, 48) })),
        ['name', 'versions', 'latest', 'rows', 'updated', 'description'],
      );
    }));

  data
    .command('show <ref>')
    .description('show the schema and statistics of NAME[@VERSION] (default: the latest version)')
    .option('--column <name>', 'one column in full: quantiles, histogram and top values')
    .action(runCommand(context, async (ctx, opts: { column?: string }, ref: string) => {
      const ops = await dataOps(ctx);
      const v = await lookupFor('ref', () => ops.get(ref));
      if (opts.column !== undefined) {
        const c = v.columns.find((col) => col.name === opts.column);
        if (!c) throw invalidArgument('column', `no column '${opts.column}' in ${v.name}@${v.version} (columns: ${v.columns.map((col) => col.name).join(', ')})`);
        const column = (showJson(v) as { columns: unknown[] }).columns[v.columns.indexOf(c)];
        return ctx.json ? printJson(column) : printColumn(v, c);
      }
      if (ctx.json) return printJson(showJson(v));
      printLine(`${v.name}@${v.version}  ${counted(v.rows, 'row')}  ${counted(v.columns.length, 'column')}  source ${v.source}  added ${tableTime(v.createdAt)}`);
      printTable(
        v.columns.map((c) => {
          const s = c.stats;
          const top = s.top[0];
          return {
            column: c.name,
            type: c.type,
            nullable: c.nullable ? 'yes' : 'no',
            missing: s.missing,
            mean: shown(c, s.mean),
            std: c.type === 'timestamp' ? (s.std === null ? null : `${formatCell(s.std / 86_400_000)}d`) : s.std,
            min: shown(c, s.min),
            p50: shown(c, s.quantiles?.p50),
            max: shown(c, s.max),
            distinct: s.distinct,
            top: top ? `${cellText(c.type === 'timestamp' ? top.value.replace('.000Z', 'Z') : top.value, 24)} (${top.count})` : null,
          };
        }),
        ['column', 'type', 'nullable', 'missing', 'mean', 'std', 'min', 'p50', 'max', 'distinct', 'top'],
      );
    }));

  data
    .command('head <ref>')
    .description('print rows of NAME[@VERSION] as a table (default the first 10)')
    .option('-n, --rows <n>', 'how many rows (default 10)')
    .option('--limit <n>', 'alias of --rows, the count flag of the list commands')
    .option('--offset <n>', 'skip this many rows first', '0')
    .option('--columns <list>', 'comma-separated columns, each once, in the order to show (default: all)')
    .action(runCommand(context, async (ctx, opts: { rows?: string; limit?: string; offset: string; columns?: string }, ref: string) => {
      if (opts.rows !== undefined && opts.limit !== undefined) throw invalidArgument('--limit', 'is an alias of --rows: give one of them');
      const flag = opts.limit === undefined ? '--rows' : '--limit';
      const limit = wholeNumber(opts.limit ?? opts.rows ?? '10', flag);
      if (limit > MAX_PAGE_ROWS) throw invalidArgument(flag, `at most ${MAX_PAGE_ROWS} rows a call (page on with --offset), got ${limit}`);
      const offset = wholeNumber(opts.offset, '--offset');
      const columns = opts.columns === undefined ? undefined : splitList(opts.columns);
      const ops = await dataOps(ctx);
      const page = await lookupFor('ref', () => ops.rows(ref, { limit, offset, ...(columns ? { columns } : {}) }));
      if (ctx.json) return printJson(page);
      printTable(
        page.rows.map((r) => Object.fromEntries(page.columns.map((c, i) => [c.name, typeof r[i] === 'string' ? cellText(r[i] as string, 40) : r[i]]))),
        page.columns.map((c) => c.name),
        { keepHeaders: true },
      );
      const shown = page.rows.length;
      printLine(`${page.name}@${page.version}: rows ${shown === 0 ? 'none' : `${page.offset + 1}-${page.offset + shown}`} of ${page.total}`);
    }));

  data
    .command('export <ref> <file>')
    .description('write the rows of NAME[@VERSION] to FILE (- for stdout) as Parquet, CSV or NDJSON (by --format, else the extension)')
    .option('--format <format>', 'parquet, csv or ndjson (default: from the file extension; csv for -)')
    .action(runCommand(context, async (ctx, opts: { format?: string }, ref: string, file: string) => {
      if (file === '-') {
        // As `data add -` reads stdin. Stdout then holds the data alone: no summary line.
        if (opts.format === 'parquet' && process.stdout.isTTY) throw invalidArgument('file', "'-' writes Parquet's binary bytes to stdout, but stdout is a terminal: pipe them into a file or a program, or pass --format csv");
        const ops = await dataOps(ctx);
        await lookupFor('ref', () => ops.export(ref, process.stdout, opts.format));
        return;
      }
      const ops = await dataOps(ctx);
      const r = await lookupFor('ref', () => ops.export(ref, file, opts.format));
      // A FILE that is stdout itself (`/dev/stdout` into a pipe) holds the rows: the summary
      // after them would be read as one more row, so it goes to stderr, as `-` leaves stdout alone.
      const summaryTo = isStdout(r.path) ? process.stderr : process.stdout;
      if (ctx.json) return printJson(r, summaryTo);
      printLine(`${r.name}@${r.version}: ${counted(r.rows, 'row')} written to ${r.path} (${r.format})`, summaryTo);
    }));

  data
    .command('diff <a> <b>')
    .description('schema changes and statistic shifts from NAME@A to NAME@B (any two versions, of one dataset or two), largest shift first')
    .option('--all', 'list the unchanged columns too')
    .option('--limit <n>', 'list only the n columns that moved most')
    .action(runCommand(context, async (ctx, opts: { all?: boolean; limit?: string }, a: string, b: string) => {
      const limit = opts.limit === undefined ? undefined : wholeNumber(opts.limit, '--limit');
      const d = await (await dataOps(ctx)).diff(a, b);
      if (ctx.json) return printJson(d);
      printDiff(d, { ...(opts.all ? { all: true } : {}), ...(limit === undefined ? {} : { limit }) });
    }));
}
