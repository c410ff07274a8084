import { spawn } from 'node:child_process';

export interface CommandOutcome {
  readonly exitCode: number | null;
  /** stdout then stderr, the last 64 KiB. */
  readonly output: string;
  readonly runId: string | null;
  readonly modelName: string | null;
  readonly modelVersion: number | null;
  readonly timedOut: boolean;
}

const MAX_OUTPUT = 64 * 1024;

/** Runs a retraining command through the shell, capturing its output; never throws. */
export function runRetrainCommand(command: string, options: { timeoutMs?: number; cwd?: string } = {}): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (s: string, chunk: Buffer): string => (s + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    const child = spawn(command, { shell: true, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs ?? 3_600_000);
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    const finish = (exitCode: number | null, extra = ''): void => {
      clearTimeout(timer);
      const lineage = parseTrainOutput(stdout);
      resolve({ exitCode, output: (stdout + (stderr ? `\n[stderr]\n${stderr}` : '') + extra).slice(-MAX_OUTPUT), timedOut, ...lineage });
    };
    child.on('error', (e) => finish(null, `\n[spawn error] ${e.message}`));
    child.on('close', (code) => finish(code));
  });
}

/**
 * Lineage from a training command's output: `keel train --json` prints an object with the run id
 * and the registered model version; the last such object in stdout wins.
 */
export function parseTrainOutput(stdout: string): Pick<CommandOutcome, 'runId' | 'modelName' | 'modelVersion'> {
  const candidates = [stdout, ...stdout.split('\n').reverse()];
  for (const text of candidates) {
    const t = text.trim();
    if (!t.startsWith('{')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(t) as Record<string, unknown>;
    } catch {
      continue;
    }
    const run = o.run as Record<string, unknown> | undefined;
    const model = (o.modelVersion ?? o.model) as Record<string, unknown> | number | undefined;
    const runId = o.runId ?? o.run_id ?? run?.id ?? run?.runId;
    const modelName = typeof model === 'object' ? model.name : o.modelName;
    const modelVersion = typeof model === 'object' ? model.version : typeof model === 'number' ? model : o.version;
    if (runId === undefined && modelVersion === undefined) continue;
    return {
      runId: typeof runId === 'string' ? runId : null,
      modelName: typeof modelName === 'string' ? modelName : null,
      modelVersion: typeof modelVersion === 'number' ? modelVersion : null,
    };
  }
  return { runId: null, modelName: null, modelVersion: null };
}
