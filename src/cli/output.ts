/** Terminal output: tables, JSON, progress bars. The only place console output is written. */
import { fstatSync, statSync } from 'node:fs';
import { jsonReplacer, type KeelError } from '../core/index.js';
import type { ProgressEvent } from '../jobs/index.js';

export function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/** An error on stderr: `error: MESSAGE`, or with --json `{"error": {code, message, field?}}` (so stdout stays clean). */
export function printError(err: KeelError, json: boolean): void {
  process.stderr.write(json ? `${JSON.stringify({ error: err.toJSON() })}\n` : `error: ${err.message}\n`);
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const abs = Math.abs(v);
    return abs !== 0 && (abs < 1e-3 || abs >= 1e7) ? v.toExponential(3) : v.toFixed(4).replace(/\.?0+$/, '');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A plain aligned table; numbers right-aligned; headers upper-cased unless they are data's own names (`keepHeaders`). */
export function renderTable(rows: readonly Record<string, unknown>[], columns?: readonly string[], options: { keepHeaders?: boolean } = {}): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  const line = (vals: readonly string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(options.keepHeaders ? cols : cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

/**
 * A time in a table cell or a line for people: `2025-01-31 12:00:05`, UTC, to the second. Every
 * listing (data ls, runs ls, models ls and history, schema ls, monitor status, alerts ls) and every
 * `show` prints times this way, so they read and sort alike; `--json` keeps its own formats.
 */
export function tableTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function printTable(rows: readonly Record<string, unknown>[], columns?: readonly string[], options: { keepHeaders?: boolean } = {}): void {
  process.stdout.write(`${renderTable(rows, columns, options)}\n`);
}

/** `1 row`, `3 rows`: a count with its noun, singular for one. */
export const counted = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;

export function printLine(text = '', stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${text}\n`);
}

/** Whether PATH is this process's stdout (`/dev/stdout`, `/proc/self/fd/1`, the pipe or terminal it writes to). */
export function isStdout(path: string): boolean {
  try {
    const out = fstatSync(1), file = statSync(path);
    return out.dev === file.dev && out.ino === file.ino;
  } catch {
    return false;
  }
}

/** A size in bytes as people read it: `512 B`, `1.5 KiB`, `20.0 MiB`, `3.2 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** A remark about the result, on stderr (so `--json` on stdout stays clean). */
export function printNote(text: string): void {
  process.stderr.write(`note: ${text}\n`);
}

/** A risk the user should know of, on stderr (so `--json` on stdout stays clean). */
export function printWarning(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}

/**
 * A progress bar on stderr (so `--json` on stdout stays clean), redrawn at most 10 times a
 * second, with an ETA. Silent when stderr is not a terminal unless `force` is set.
 */
export function progressBar(options: { force?: boolean } = {}): { update(e: ProgressEvent): void; done(): void } {
  const enabled = options.force === true || process.stderr.isTTY === true;
  const start = Date.now();
  let last = 0;
  let drawn = false;
  return {
    update(e) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && e.done !== e.total) return;
      last = now;
      const width = 30;
      const frac = e.total ? Math.min(1, e.done / e.total) : 0;
      const bar = e.total ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}]` : '';
      const elapsed = (now - start) / 1000;
      const eta = e.total && e.done > 0 ? ` eta ${formatSeconds((elapsed * (e.total - e.done)) / e.done)}` : '';
      const metrics = e.metrics ? ' ' + Object.entries(e.metrics).map(([k, v]) => `${k}=${formatCell(v)}`).join(' ') : '';
      // Whole numbers: a share of a DuckDB query's progress comes as a fraction.
      const count = e.total ? `${Math.floor(e.done)}/${e.total}` : String(Math.floor(e.done));
      const step = e.message ? ` ${e.message.slice(0, 24)}` : '';
      process.stderr.write(`\r${e.task}${step} ${bar} ${count}${metrics} ${formatSeconds(elapsed)}${eta}\x1b[K`);
      drawn = true;
    },
    /** Ends the bar's line; again, it does nothing. */
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}
