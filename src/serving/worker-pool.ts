import type { Worker } from 'node:worker_threads';
import { KeelError, startWorker } from '../core/index.js';
import { ownsBuffer, type NumericArray } from './datatypes.js';
import type { ModelSignature, Tensor } from './tensor.js';
import { WORKER_READY, type ModelBytesSource, type SessionTuning, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

/** How long close() waits for a worker to finish loading and its runs before it ends the thread anyway. */
const SETTLE_MS = 10_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(e: Error): void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  inflight = 0;
  dead: Error | undefined;
  /**
   * Settles once the thread has loaded its modules, or has ended. Ending a thread while
   * onnxruntime-node's native addon starts aborted the whole process now and then ("terminate
   * called after throwing an instance of 'Napi::Error'": a `keel serve` whose port was taken).
   */
  readonly loaded: Promise<void>;

  constructor(url: URL) {
    this.worker = startWorker(url);
    let loaded!: () => void;
    this.loaded = new Promise((resolve) => (loaded = resolve));
    this.worker.on('message', (reply: WorkerReply | typeof WORKER_READY) => {
      if (reply === WORKER_READY) return loaded();
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      this.inflight--;
      if (reply.ok) p.resolve(reply);
      else p.reject(new KeelError('INVALID_ARGUMENT', `inference failed: ${reply.error}`));
    });
    const fail = (e: Error) => {
      loaded();
      this.dead = e;
      for (const p of this.pending.values()) p.reject(new KeelError('UNAVAILABLE', `inference worker stopped: ${e.message}`, { cause: e }));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }
}

/**
 * A fixed pool of inference worker threads. Every model version is loaded into every worker;
 * each run goes to the worker with the fewest runs in flight. Input buffers that a typed array
 * owns whole are transferred to the worker (zero-copy), so the caller must not read them after.
 * The threads start with the first load, not with the pool: a pool (or a server holding one)
 * that is built and never used starts no thread and keeps no process alive.
 */
export class InferencePool {
  private workers: PoolWorker[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number, private readonly tuning: SessionTuning) {
    if (!Number.isInteger(size) || size < 1) throw new KeelError('INVALID_ARGUMENT', `workers: expected a positive integer, got ${size}`, { field: 'workers' });
  }

  /** Whether the threads have been started (by a first load or run). */
  get started(): boolean {
    return this.workers.length > 0;
  }

  /** Loads a model version into every worker and returns the signature onnxruntime reads from it. */
  async load(key: string, source: ModelBytesSource): Promise<ModelSignature> {
    const replies = await Promise.all(this.running().map((w) => this.send(w, { op: 'load', key, source, tuning: this.tuning }, [])));
    return replies[0]!.signature!;
  }

  async unload(key: string): Promise<void> {
    await Promise.all(this.workers.filter((w) => !w.dead).map((w) => this.send(w, { op: 'unload', key }, [])));
  }

  async run(key: string, inputs: readonly Tensor[]): Promise<Tensor[]> {
    let best: PoolWorker | undefined;
    for (const w of this.running()) if (!w.dead && (best === undefined || w.inflight < best.inflight)) best = w;
    if (!best) throw new KeelError('UNAVAILABLE', 'no inference worker is running');
    const transfer: ArrayBuffer[] = [];
    let sent = inputs;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      if (Array.isArray(t.data)) continue;
      const d = t.data as NumericArray;
      if (ownsBuffer(d)) {
        transfer.push(d.buffer as ArrayBuffer);
        continue;
      }
      // A view (a slab slot, a Buffer slice) would be cloned with its whole buffer: copy it out.
      const own = d.slice();
      transfer.push(own.buffer as ArrayBuffer);
      if (sent === inputs) sent = inputs.slice();
      (sent as Tensor[])[i] = { name: t.name, datatype: t.datatype, shape: t.shape, data: own };
    }
    const reply = await this.send(best, { op: 'run', key, inputs: sent }, transfer);
    return reply.outputs!;
  }

  /** Runs in flight across all workers. */
  get inflight(): number {
    return this.workers.reduce((s, w) => s + w.inflight, 0);
  }

  /** Ends the threads, each once it has loaded and what it was sent has answered (at most SETTLE_MS). */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + SETTLE_MS;
    // Unref'd: a wait that is still pending keeps no process alive once its workers have ended.
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
    await Promise.all(this.workers.map(async (w) => {
      await Promise.race([w.loaded, pause(SETTLE_MS)]);
      while (w.pending.size > 0 && !w.dead && Date.now() < deadline) await pause(10);
      await w.worker.terminate();
    }));
  }

  /** The threads, started on first need; a closed pool starts none again. */
  private running(): PoolWorker[] {
    if (this.closed) throw new KeelError('UNAVAILABLE', 'the inference pool is closed');
    if (this.workers.length === 0) this.workers = Array.from({ length: this.size }, () => new PoolWorker(new URL('./inference-worker.ts', import.meta.url)));
    return this.workers;
  }

  private send(w: PoolWorker, msg: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[]): Promise<WorkerReply & { ok: true }> {
    if (w.dead) return Promise.reject(new KeelError('UNAVAILABLE', `inference worker stopped: ${w.dead.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      w.pending.set(id, { resolve, reject });
      w.inflight++;
      w.worker.postMessage({ ...msg, id }, transfer);
    });
  }
}
