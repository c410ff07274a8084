import { existsSync, readlinkSync } from 'node:fs';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/**
 * Starts a worker thread from a module URL. Keel runs from TypeScript sources (through tsx), and
 * worker threads do not inherit the parent's loader, so a `.ts` worker starts from a small JS
 * boot module that registers tsx and then imports it.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  return new Worker(BOOT, { ...options, argv: [...(options.argv ?? []), url.href] });
}

/**
 * The calling thread's Linux task id, or 0 where there is none to read. A thread blocked in
 * Atomics.wait gets no 'exit' events, so it asks the kernel instead (threadAlive) whether a worker
 * it waits for still runs.
 */
export function osThreadId(): number {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : 0;
  } catch {
    return 0;
  }
}

/** Whether the thread with this osThreadId() still runs; true when that cannot be told (id 0). */
export function threadAlive(tid: number): boolean {
  return tid <= 0 || existsSync(`/proc/self/task/${tid}`);
}
