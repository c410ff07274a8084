import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import type { ArtifactGcResultJson } from '../../client/index.js';
import { collectArtifactGarbage } from '../../data/index.js';
import { parseDuration } from '../../monitoring/index.js';
import type { CliContext, ContextFactory } from '../context.js';
import { formatBytes, printJson, printLine, printTable, printWarning, progressBar, tableTime } from '../output.js';
import { runCommand } from '../run-command.js';

/** The store's gc, run here or on the server (`--server`): the server's store is out of reach from here. */
async function collect(ctx: CliContext, olderThanMs: number, dryRun: boolean): Promise<ArtifactGcResultJson> {
  if (ctx.isRemote) return ctx.client().artifacts.gc({ olderThanMs, dryRun });
  const platform = await ctx.platform();
  const bar = progressBar();
  try {
    return await collectArtifactGarbage({ db: platform.store.db, artifacts: platform.artifacts }, { olderThanMs, dryRun, onProgress: (e) => bar.update(e) });
  } finally {
    bar.done();
  }
}

export function registerGcCommand(program: Command, context: ContextFactory): void {
  program
    .command('gc')
    .description('remove the artifact store\'s blobs that no record names (left by interrupted or deleted work) and the temp files of ended processes')
    .option('--older-than <duration>', "only blobs last stored at least this long ago, e.g. '7d' or 0 (a writer's blob is claimed until its record commits, so any age is safe)", '24h')
    .option('--dry-run', 'list the blobs that would go and their bytes; remove nothing')
    .action(runCommand(context, async (ctx, o: { olderThan: string; dryRun?: boolean }) => {
      const r = await collect(ctx, parseDuration(o.olderThan, '--older-than'), o.dryRun === true);
      if (ctx.json) printJson(r);
      else printSummary(r);
      // The walk went on past each failure: the others were done, these stay for a later gc.
      if (r.failed.length > 0) {
        const which = r.failed.map((f) => `${f.sha256} (${f.code})`).join(', ');
        throw new KeelError('FAILED_PRECONDITION', `gc could not remove ${r.failed.length} blob(s), which stay for a later gc: ${which}`, { details: { failed: r.failed } });
      }
    }));
}

function printSummary(r: ArtifactGcResultJson): void {
  if (r.dryRun && r.removed.length > 0) {
    printTable(r.removed.map((b) => ({ sha256: b.sha256, size: formatBytes(b.size), stored: tableTime(b.storedAt) })), ['sha256', 'size', 'stored']);
  }
  const verb = r.dryRun ? 'would remove' : 'removed';
  const freed = r.dryRun ? `${formatBytes(r.removedBytes)} (dry run: nothing removed)` : `${formatBytes(r.removedBytes)} freed`;
  printLine(`${verb} ${r.removed.length} unreferenced blob(s) last stored before ${tableTime(r.before)}, ${freed}`);
  const k = r.kept;
  printLine(`kept ${k.referenced + k.recent + k.claimed} blob(s), ${formatBytes(k.bytes)}: ${k.referenced} referenced, ${k.recent} stored since, ${k.claimed} claimed by a running writer`);
  if (!r.dryRun) printLine(`removed ${r.tempFilesRemoved} temp file(s) and claim(s) of ended processes`);
  for (const f of r.failed) printWarning(`could not remove ${f.sha256} (${f.code}): ${f.error}`);
}
