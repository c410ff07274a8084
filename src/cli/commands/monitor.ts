import type { Command } from 'commander';
import { invalidArgument, lookupFor } from '../../core/index.js';
import { Monitor, OnlineLearner, parseDuration, parseMonitorConfig, type MonitorRunner, type MonitorRunResult } from '../../monitoring/index.js';
import type { FeedbackLabel, MonitorDefinition, MonitorRunInfo } from '../../client/index.js';
import type { ContextFactory } from '../context.js';
import { printJson, printLine, printTable, printWarning, tableTime } from '../output.js';
import { positiveInt, positiveSeconds } from '../option-values.js';
import { runCommand } from '../run-command.js';
import { readJsonFile, readUserFile } from '../user-files.js';
import { alertRows, api, collect, durationFlag, parseLabel, parseLabelFile, parseRuleText, remoteLearnerSources, RULE_SYNTAX, statusRows, type MonitoringApi } from './monitor-support.js';

/** The server's monitor runs as the loop takes them; the loop prints them (the JSON a local run is printed as). */
const remoteRunner = (a: MonitoringApi): MonitorRunner => ({
  listMonitors: () => a.listMonitors(),
  runMonitor: async (n) => (await a.run(n)) as unknown as MonitorRunResult,
});

export function registerMonitorCommands(program: Command, context: ContextFactory): void {
  const monitor = program.command('monitor').description('monitors over the prediction log: windows, drift, quality, performance, alerts');

  monitor.command('create <name>')
    .description('create a monitor on a deployment (or give the whole definition with --file)')
    .option('--deployment <name>', 'the deployment (serve name or model name) in the prediction log')
    .option('--window <size>', 'window size, e.g. 1h (default 1h)')
    .option('--slide <size>', 'sliding windows: distance between window starts')
    .option('--grace <duration>', 'how long late records still count (default 0)')
    .option('--reference <dataset@version>', "reference dataset (default: the model version's training dataset)")
    .option('--task <task>', 'binary | regression | multiclass (default: inferred from labels)')
    .option('--min-rows <n>', 'served predictions a window needs for drift to be computed (default 30; 0: any)')
    .option('--rule <rule>', `alert rule '${RULE_SYNTAX}' (repeatable)`, collect)
    .option('--webhook <url>', 'POST alerts here, signed with --webhook-secret')
    .option('--webhook-secret <secret>', 'HMAC-SHA256 key for X-Keel-Signature')
    .option('--retrain-command <cmd>', 'shell command every --rule runs when it fires ({alertId}, {monitor}, {deployment} substituted)')
    .option('--file <monitor.json>', 'a JSON monitor definition (flags override its fields)')
    .action(runCommand(context, async (ctx, o: { deployment?: string; window?: string; slide?: string; grace?: string; reference?: string; task?: string; minRows?: string; rule?: string[]; webhook?: string; webhookSecret?: string; retrainCommand?: string; file?: string }, name: string) => {
      let def: Record<string, unknown> = {};
      if (o.file) {
        def = (await readJsonFile(o.file, '--file')) as Record<string, unknown>;
      }
      def.name = name;
      if (o.deployment) def.deployment = o.deployment;
      if (def.deployment === undefined) throw invalidArgument('--deployment', 'required (or in --file)');
      if (o.window || o.slide || o.grace) {
        def.window = { ...(def.window as object | undefined), ...(o.slide ? { type: 'sliding', slide: o.slide } : {}), ...(o.window ? { size: o.window } : {}), ...(o.grace ? { grace: o.grace } : {}) };
      }
      if (o.reference) def.referenceDataset = o.reference;
      if (o.task) def.task = o.task;
      if (o.minRows !== undefined) def.minRows = positiveInt('--min-rows', o.minRows, 0);
      if (o.webhook) {
        if (!o.webhookSecret) throw invalidArgument('--webhook-secret', 'required with --webhook');
        def.webhook = { url: o.webhook, secret: o.webhookSecret };
      }
      if (o.rule) {
        const rules = o.rule.map((r, i) => ({ ...parseRuleText(r, i), ...(o.retrainCommand ? { retrain: { command: o.retrainCommand } } : {}) }));
        def.rules = [...((def.rules as unknown[] | undefined) ?? []), ...rules];
      } else if (o.retrainCommand) throw invalidArgument('--retrain-command', 'needs at least one --rule');
      parseMonitorConfig(def); // fail before any request, naming the field
      const created = await (await api(ctx)).createMonitor(def as MonitorDefinition);
      for (const w of created.warnings ?? []) printWarning(w);
      if (ctx.json) printJson(created);
      else printLine(`monitor '${created.name}' created on deployment '${created.deployment}' with ${(created.rules ?? []).length} rule(s)`);
    }));

  monitor.command('ls')
    .description('list monitors')
    .option('--deployment <name>', 'only monitors on this deployment')
    .action(runCommand(context, async (ctx, o: { deployment?: string }) => {
      const ms = await (await api(ctx)).listMonitors(o.deployment);
      if (ctx.json) return printJson(ms);
      printTable(ms.map((m) => {
        const w = m.window;
        return { name: m.name, deployment: m.deployment, window: `${w.type} ${durationFlag(w.sizeMs)}${w.type === 'sliding' ? `/${durationFlag(w.slideMs)}` : ''}`, grace: durationFlag(w.graceMs), reference: m.referenceDataset ?? '(lineage)', 'min rows': m.minRows, rules: (m.rules ?? []).map((r) => r.name).join(', ') };
      }), ['name', 'deployment', 'window', 'grace', 'reference', 'min rows', 'rules']);
    }));

  monitor.command('status <deployment>')
    .description('the last windows of every monitor on a deployment (or of one monitor)')
    .option('--limit <n>', 'windows per monitor', '10')
    .action(runCommand(context, async (ctx, o: { limit: string }, target: string) => {
      const a = await api(ctx);
      // Named as this command calls its argument (the route's is `target`).
      const status = await lookupFor('deployment', () => a.status(target, positiveInt('--limit', o.limit)), ['target']);
      if (ctx.json) return printJson(status);
      for (const s of status) {
        printLine(`monitor ${s.monitor.name} on ${s.monitor.deployment}${s.monitor.referenceDataset ? `, reference ${s.monitor.referenceDataset}` : ''}`);
        if (s.windows.length === 0) printLine('  no windows evaluated yet (run `keel monitor run`)');
        else printTable(statusRows(s));
        const firing = s.alerts.filter((a) => a.state === 'firing');
        if (firing.length > 0) printLine(`firing: ${firing.map((a) => `${a.rule} (${a.metric}=${a.value})`).join(', ')}`);
        for (const a of s.alerts) for (const r of a.retrainRuns) printLine(`retraining: alert ${a.id.slice(0, 12)} → ${r.trigger} ${r.status}${r.runId ? ` run ${r.runId}` : ''}${r.modelVersion !== null ? ` → model ${r.modelName ?? ''}@${r.modelVersion}` : ''}`);
        printLine();
      }
    }));

  monitor.command('run [name]')
    .description('evaluate every complete window not yet evaluated (all monitors, or one); --watch keeps running')
    .option('--now <epochMs>', 'evaluate as of this time (backfills, tests)')
    .option('--watch', 'keep running, one pass every --interval (Ctrl-C stops)')
    .option('--interval <seconds>', 'seconds between passes with --watch', '60')
    .action(runCommand(context, async (ctx, o: { now?: string; watch?: boolean; interval: string }, name?: string) => {
      const now = o.now !== undefined ? Number(o.now) : undefined;
      if (now !== undefined && !Number.isFinite(now)) throw invalidArgument('--now', 'expected epoch milliseconds');
      if (o.watch) {
        const intervalMs = positiveSeconds('--interval', o.interval) * 1000;
        // Through --server, each pass asks the server to run its monitors, as `monitor run` does.
        const runner: MonitorRunner = ctx.isRemote ? remoteRunner(await api(ctx)) : (await ctx.platform()).monitoring;
        const m = new Monitor(runner, { intervalMs, ...(name ? { names: [name] } : {}) });
        m.on('run', (r) => {
          if (r.evaluated.length === 0 && r.fired.length === 0) return;
          if (ctx.json) printJson(r);
          else printLine(`${r.monitor}: ${r.evaluated.length} window(s), ${r.fired.length} alert(s) fired`);
        });
        m.on('error', (e) => process.stderr.write(`monitor error: ${e.message}\n`));
        m.start();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await m.close();
        return;
      }
      const a = await api(ctx);
      const names = name ? [name] : (await a.listMonitors()).map((m) => m.name);
      const results: MonitorRunInfo[] = [];
      for (const n of names) results.push(await a.run(n, now));
      if (ctx.json) return printJson(results);
      printTable(results.map((r) => ({ monitor: r.monitor, windows: r.evaluated.length, refreshed: r.refreshed, fired: r.fired.map((f) => f.rule).join(', ') || '-', resolved: r.resolved.length })));
    }));

  monitor.command('prune')
    .description('retention: delete logged predictions (and their labels) older than a duration; window results and alerts stay')
    .requiredOption('--older-than <duration>', "e.g. '30d'")
    .option('--deployment <name>', 'only this deployment')
    .action(runCommand(context, async (ctx, o: { olderThan: string; deployment?: string }) => {
      // The cut-off is taken here, on the caller's clock, and sent: the same both ways.
      const cutoff = Date.now() - parseDuration(o.olderThan, '--older-than');
      const { deleted, before } = await (await api(ctx)).prune(cutoff, o.deployment);
      if (ctx.json) printJson({ deleted, before });
      else printLine(`${deleted} prediction(s) before ${tableTime(before)} deleted`);
    }));

  monitor.command('rm <name>')
    .description('delete a monitor and its windows; its firing alerts are resolved, each sending its alert.resolved webhook once (alerts are kept)')
    .action(runCommand(context, async (ctx, _o: Record<string, never>, name: string) => {
      const removed = await (await api(ctx)).deleteMonitor(name);
      // The removal stands whatever the receivers did: a failed notice is a warning, not an error.
      for (const d of removed.deliveries.filter((x) => x.status === 'failed')) {
        printWarning(`the alert.resolved webhook of alert ${d.alertId} (rule '${d.rule}') failed after ${d.attempts} attempt(s): ${d.error ?? `HTTP ${d.httpStatus}`}`);
      }
      if (ctx.json) printJson({ deleted: name, ...removed });
      else printLine(`monitor '${name}' deleted; ${removed.resolvedAlerts.length} firing alert(s) resolved`);
    }));

  monitor.command('learn <deployment>')
    .description('online learning: update a linear/logistic model from labeled feedback and publish a version every N updates or T')
    .requiredOption('--model-name <name>', 'registered model to publish versions under')
    .requiredOption('--features <a,b,...>', 'numeric input fields of the logged predictions')
    .option('--task <task>', 'binary | regression', 'binary')
    .option('--optimizer <name>', 'adagrad | sgd', 'adagrad')
    .option('--learning-rate <x>', 'step size (default 0.1 with adagrad, 0.01 with sgd)')
    .option('--every <n>', 'publish after this many updates (this and/or --every-time is required)')
    .option('--every-time <duration>', "publish when this much time has passed (e.g. '10m')")
    .option('--window <duration>', 'published metrics are computed on labeled predictions of this last span', '1h')
    .option('--watch', 'keep learning, one pass every --interval (Ctrl-C stops)')
    .option('--interval <seconds>', 'seconds between passes with --watch', '60')
    .action(runCommand(context, async (ctx, o: { modelName: string; features: string; task: string; optimizer: string; learningRate?: string; every?: string; everyTime?: string; window: string; watch?: boolean; interval: string }, deployment: string) => {
      if (o.task !== 'binary' && o.task !== 'regression') throw invalidArgument('--task', "expected 'binary' or 'regression'");
      if (o.optimizer !== 'adagrad' && o.optimizer !== 'sgd') throw invalidArgument('--optimizer', "expected 'adagrad' or 'sgd'");
      // Checked here, by the flags' names: the learner named its options (publishEveryUpdates), and
      // took a --learning-rate that is no number for a missing --every.
      if (o.every === undefined && o.everyTime === undefined) throw invalidArgument('--every', "give --every N (updates) and/or --every-time DURATION (e.g. '10m'): when to publish a version");
      const every = o.every === undefined ? undefined : positiveInt('--every', o.every);
      const learningRate = o.learningRate === undefined ? undefined : Number(o.learningRate);
      if (learningRate !== undefined && (o.learningRate!.trim() === '' || !Number.isFinite(learningRate) || learningRate <= 0)) throw invalidArgument('--learning-rate', `expected a positive number, got '${o.learningRate}'`);
      // Through --server the learner runs here, over the server's prediction log and registry.
      const platform = ctx.isRemote ? undefined : await ctx.platform();
      const { predictions, publisher } = platform ? { predictions: platform.monitoring.predictions, publisher: platform.registry } : remoteLearnerSources(ctx.client());
      const learner = new OnlineLearner(predictions, publisher, {
        deployment, modelName: o.modelName, task: o.task, features: o.features.split(',').map((f) => f.trim()).filter(Boolean), optimizer: o.optimizer,
        ...(learningRate !== undefined ? { learningRate } : {}),
        ...(every !== undefined ? { publishEveryUpdates: every } : {}),
        ...(o.everyTime !== undefined ? { publishEveryMs: parseDuration(o.everyTime, '--every-time') } : {}),
        evaluationWindowMs: parseDuration(o.window, '--window'), intervalMs: positiveSeconds('--interval', o.interval) * 1000, ...(platform ? { logger: platform.logger } : {}),
      });
      const report = (v: { name: string; version: number; updates: number; metrics: Readonly<Record<string, number>> }) => {
        if (ctx.json) printJson(v);
        else printLine(`published ${v.name} version ${v.version} after ${v.updates} updates: ${Object.entries(v.metrics).map(([k, x]) => `${k}=${Number.isInteger(x) ? x : x.toFixed(4)}`).join(' ')}`);
      };
      if (!o.watch) {
        // One pass may publish many versions: with --json they go out as one document, not one each.
        const published: Parameters<typeof report>[0][] = [];
        learner.on('publish', (v) => (ctx.json ? published.push(v) : report(v)));
        const r = await learner.step();
        if (ctx.json) printJson({ updates: r.updates, published });
        else if (!r.published) printLine(`${r.updates} update(s); no version due yet (a one-shot run starts from a fresh model: use --watch to keep learning)`);
        return;
      }
      learner.on('publish', report);
      learner.on('error', (e) => process.stderr.write(`online learning error: ${e.message}\n`));
      learner.start();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await learner.close();
    }));

  const alerts = program.command('alerts').description('alerts raised by monitor rules');
  alerts.command('ls')
    .description('list alerts, newest first, with webhook delivery and the retraining they started')
    .option('--monitor <name>', 'only the alerts of this monitor')
    .option('--deployment <name>', 'only the alerts of monitors on this deployment')
    .option('--state <state>', 'firing | resolved')
    .option('--limit <n>', 'at most this many', '50')
    .action(runCommand(context, async (ctx, o: { monitor?: string; deployment?: string; state?: string; limit: string }) => {
      if (o.state !== undefined && o.state !== 'firing' && o.state !== 'resolved') throw invalidArgument('--state', "expected 'firing' or 'resolved'");
      const list = await (await api(ctx)).alerts({ ...(o.monitor ? { monitor: o.monitor } : {}), ...(o.deployment ? { deployment: o.deployment } : {}), ...(o.state ? { state: o.state as 'firing' | 'resolved' } : {}), limit: positiveInt('--limit', o.limit) });
      if (ctx.json) return printJson(list);
      if (list.length === 0) return printLine('no alerts');
      printTable(alertRows(list));
    }));
  alerts.command('ack <id>')
    .description('acknowledge an alert')
    .action(runCommand(context, async (ctx, _o: Record<string, never>, id: string) => {
      // The id whole, whatever start of it was typed.
      const alert = await (await api(ctx)).ack(id);
      if (ctx.json) printJson({ acknowledged: alert.id, alert });
      else printLine(`alert ${alert.id} acknowledged`);
    }));

  program.command('feedback [requestId] [label]')
    .description('record late labels for logged predictions (one, or many with --file JSON/JSONL/CSV)')
    .option('--file <path>', 'labels: JSON array, JSON lines, or CSV with request_id,label')
    .action(runCommand(context, async (ctx, o: { file?: string }, requestId?: string, label?: string) => {
      let labels: FeedbackLabel[];
      if (o.file) {
        labels = parseLabelFile(await readUserFile(o.file, '--file'));
      }
      else if (requestId !== undefined && label !== undefined) labels = [{ requestId, label: parseLabel(label) }];
      else if (requestId !== undefined) throw invalidArgument('label', `give the label after the request id: keel feedback ${requestId} LABEL`);
      else throw invalidArgument('requestId', 'give REQUEST_ID LABEL, or --file');
      const r = await (await api(ctx)).feedback(labels);
      if (ctx.json) printJson(r);
      else printLine(`${r.stored} label(s) stored, ${r.matched} matched a logged prediction`);
    }));
}
