/**
 * What a monitor's windows are compared with, cached in this process: the reference statistics of
 * the model's training data (for drift) and the outputs of the monitor's first window with enough
 * traffic (`minRows` served predictions; the baseline of prediction drift).
 */
import { isKeelError, lookupFor, type Logger, type Table } from '../core/index.js';
import type { MonitorStore } from './monitor-store.js';
import type { PredictionStore } from './prediction-store.js';
import type { MonitorAnalyzers, MonitorConfig } from './types.js';
import { recordsToTable } from './window-evaluator.js';

export interface WindowReferencesDeps {
  readonly store: MonitorStore;
  readonly predictions: PredictionStore;
  readonly logger: Logger;
  readonly analyzers?: MonitorAnalyzers;
}

/** A window's reference: its statistics, or why they could not be had. */
export type WindowReference = { readonly datasetRef: string; readonly stats: unknown } | { readonly datasetRef: string; readonly unavailable: string };

export class WindowReferences {
  private readonly references = new Map<string, Promise<unknown>>();
  private readonly baselines = new Map<string, { start: number; table: Table }>();

  constructor(private readonly deps: WindowReferencesDeps) {}

  /**
   * Reference statistics: computed once per dataset version (the analyzer stores them), cached here.
   * When they cannot be had (the monitor's reference dataset vanished), `unavailable` says why,
   * naming the monitor's field `referenceDataset` (the lookup names its own `ref`).
   */
  async reference(config: MonitorConfig, sample: { modelName: string; modelVersion: number }): Promise<WindowReference | undefined> {
    const analyzers = this.deps.analyzers;
    if (!analyzers) return undefined;
    const datasetRef = config.referenceDataset ?? (await analyzers.trainingDataset?.(sample.modelName, sample.modelVersion).catch(() => undefined));
    if (!datasetRef) return undefined;
    let stats = this.references.get(datasetRef);
    if (!stats) {
      stats = analyzers.referenceFor(datasetRef);
      this.references.set(datasetRef, stats);
      stats.catch(() => this.references.delete(datasetRef));
    }
    try {
      return { datasetRef, stats: await (config.referenceDataset === undefined ? stats : lookupFor('referenceDataset', () => stats, ['ref'])) };
    } catch (e) {
      // A KeelError without its cause, which named the lookup's own field.
      this.deps.logger.warn({ err: isKeelError(e) ? { code: e.code, field: e.field, message: e.message } : e, datasetRef }, 'monitor: reference statistics unavailable');
      return { datasetRef, unavailable: (e as Error).message };
    }
  }

  /**
   * The numeric outputs of the monitor's first window with at least `minRows` served predictions
   * (with traffic, if it is 0), read back once per process: a baseline of a few rows would make
   * every later window's output drift noise.
   */
  async baseline(config: MonitorConfig): Promise<Table | undefined> {
    const cached = this.baselines.get(config.name);
    if (cached) return cached.table;
    const need = Math.max(1, config.minRows);
    // `count` includes failed requests, which have no outputs: a window may hold fewer served ones. A
    // few candidates are read; if all fall short, the next window evaluated that has enough is kept.
    for (const w of await this.deps.store.windowsWithTraffic(config.name, { ...(config.startMs !== undefined ? { from: config.startMs } : {}), minCount: need, limit: 10 })) {
      const records = await this.deps.predictions.query({ deployment: config.deployment, from: w.start, to: w.end, receivedBy: w.end + config.window.graceMs });
      const table = recordsToTable(records.filter((r) => r.error === undefined), 'outputs');
      if (table.numRows < need) continue;
      const numeric = { numRows: table.numRows, columns: table.columns.filter((c) => c.type !== 'string') };
      this.baselines.set(config.name, { start: w.start, table: numeric });
      return numeric;
    }
    return undefined;
  }

  /** A window just evaluated: its outputs are the baseline when the monitor has none yet and it served `minRows` (at least one). */
  keepBaseline(config: MonitorConfig, start: number, outputs: Table): void {
    if (outputs.numRows < Math.max(1, config.minRows)) return;
    if (!this.baselines.has(config.name)) this.baselines.set(config.name, { start, table: outputs });
  }

  /** A monitor changed or removed: its baseline is read again when next needed. */
  forget(monitor: string): void {
    this.baselines.delete(monitor);
  }
}
