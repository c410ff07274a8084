import { EventEmitter } from 'node:events';
import type { Alert } from './types.js';
import type { MonitorRunResult } from './monitoring-service.js';

export interface MonitorEvents {
  run: [MonitorRunResult];
  alert: [Alert];
  error: [Error];
}

/** What the loop calls: the MonitoringService, or a client of a remote server's (`keel monitor run --watch --server`). */
export interface MonitorRunner {
  listMonitors(): Promise<readonly { readonly name: string }[]>;
  runMonitor(name: string): Promise<MonitorRunResult>;
}

export interface MonitorOptions {
  /** Monitors to run (default: all stored monitors, re-read every tick). */
  readonly names?: readonly string[];
  /** Default 60 s. */
  readonly intervalMs?: number;
}

/**
 * The long-running monitor loop (STYLE.md rule 7): `start()` ticks on an interval, a tick that
 * is still running makes the next one skip, and `close()` waits for the current tick (or, with
 * `force`, returns at once).
 */
export class Monitor extends EventEmitter<MonitorEvents> {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly service: MonitorRunner, private readonly options: MonitorOptions = {}) {
    super();
  }

  start(): this {
    if (this.timer || this.closed) return this;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 60_000);
    void this.tick();
    return this;
  }

  /** One pass over the monitors; resolves when done (also used by tests and `keel monitor run`). */
  tick(): Promise<void> {
    if (this.current || this.closed) return this.current ?? Promise.resolve();
    this.current = this.runPass().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  async close(options: { force?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!options.force) await this.current;
  }

  private async runPass(): Promise<void> {
    const names = this.options.names ?? (await this.service.listMonitors().catch((e: unknown) => this.fail(e, []))).map((m) => m.name);
    for (const name of names) {
      if (this.closed) return;
      try {
        const result = await this.service.runMonitor(name);
        this.emit('run', result);
        for (const a of result.fired) this.emit('alert', a);
      } catch (e) {
        this.fail(e, undefined);
      }
    }
  }

  private fail<T>(e: unknown, value: T): T {
    // An 'error' event without a listener would throw and stop the loop: emit only when heard.
    if (this.listenerCount('error') > 0) this.emit('error', e instanceof Error ? e : new Error(String(e)));
    return value;
  }
}
