import { EventEmitter } from 'node:events';
import { KeelError, silentLogger, type Logger } from '../core/index.js';
import type { CacheStore } from './cache/cache-store.js';
import type { ModelSource } from './model-source.js';
import { ServedModel, type ModelServingOptions } from './served-model.js';
import type { ServingMetrics } from './serving-metrics.js';
import type { InferencePool } from './worker-pool.js';

interface Route {
  readonly servedName: string;
  readonly ref: string;
  readonly options: ModelServingOptions;
  current: ServedModel;
  swapping: boolean;
}

export interface ModelManagerOptions {
  readonly source: ModelSource;
  readonly pool: InferencePool;
  readonly metrics: ServingMetrics;
  readonly cache?: CacheStore;
  readonly logger?: Logger;
  /** How often refs that can move (aliases, "latest") are resolved again; 0 turns following off. */
  readonly pollIntervalMs?: number;
}

export interface ManagerEvents {
  swapped: [{ name: string; from: string; to: string }];
  swapFailed: [{ name: string; error: Error }];
}

/**
 * The served models by name. It follows alias moves by polling the source (the registry is the
 * shared database, so every replica sees a move): the new version is loaded and warmed while the
 * old one keeps serving, traffic moves over in one assignment, and the old version is drained
 * and unloaded.
 */
export class ModelManager extends EventEmitter<ManagerEvents> {
  private readonly routes = new Map<string, Route>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;
  private polling = false;
  private closed = false;

  constructor(private readonly o: ModelManagerOptions) {
    super();
    this.logger = o.logger ?? silentLogger;
    const every = o.pollIntervalMs ?? 5000;
    if (every > 0) {
      this.timer = setInterval(() => void this.poll(), every);
      this.timer.unref();
    }
  }

  /** Loads and warms a model ref; served under `servedName` (default: the model's own name). */
  async add(ref: string, options: ModelServingOptions, servedName?: string): Promise<ServedModel> {
    const resolved = await this.o.source.resolve(ref);
    const name = servedName ?? resolved.name;
    if (this.routes.has(name)) throw new KeelError('ALREADY_EXISTS', `a model named '${name}' is already served; serve the other one as NAME=REF`, { field: 'model' });
    const model = await ServedModel.load(this.o.pool, { ...resolved, name }, options, this.o.cache, this.o.metrics);
    this.routes.set(name, { servedName: name, ref, options, current: model, swapping: false });
    this.logger.info({ model: name, version: model.version, ref }, 'model loaded');
    return model;
  }

  /** The version serving `name` now, or the named version if it is the one loaded. */
  get(name: string, version?: string): ServedModel | undefined {
    const route = this.routes.get(name);
    if (!route) return undefined;
    if (version !== undefined && route.current.version !== version) return undefined;
    return route.current;
  }

  list(): ServedModel[] {
    return [...this.routes.values()].map((r) => r.current);
  }

  get ready(): boolean {
    return this.routes.size > 0 && [...this.routes.values()].every((r) => r.current.ready);
  }

  /** Resolves every movable ref again and swaps the ones whose version changed. */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      await Promise.all([...this.routes.values()].filter((r) => this.o.source.isMovable(r.ref) && !r.swapping).map((r) => this.refresh(r)));
    } finally {
      this.polling = false;
    }
  }

  private async refresh(route: Route): Promise<void> {
    try {
      const resolved = await this.o.source.resolve(route.ref);
      if (resolved.version === route.current.version || this.closed) return;
      route.swapping = true;
      const next = await ServedModel.load(this.o.pool, { ...resolved, name: route.servedName }, route.options, this.o.cache, this.o.metrics);
      if (this.closed) {
        await next.drainAndUnload();
        return;
      }
      const old = route.current;
      route.current = next;
      this.logger.info({ model: route.servedName, from: old.version, to: next.version }, 'model swapped');
      await old.drainAndUnload();
      this.emit('swapped', { name: route.servedName, from: old.version, to: next.version });
    } catch (e) {
      this.logger.error({ err: e, model: route.servedName, ref: route.ref }, 'model swap failed; the current version keeps serving');
      this.emit('swapFailed', { name: route.servedName, error: e as Error });
    } finally {
      route.swapping = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.routes.values()].map((r) => r.current.drainAndUnload().catch(() => undefined)));
    this.routes.clear();
  }
}
