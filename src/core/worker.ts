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
