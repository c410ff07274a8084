import { existsSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/**
 * bin/cli-bundle.js, beside src/ in a checkout and in the package (import.meta.url is the source
 * file's in the CLI bundle too). A path, not a URL: in the CommonJS CLI bundle this import is a
 * require().
 */
const BUNDLES = fileURLToPath(new URL('../../bin/cli-bundle.js', import.meta.url));

/**
 * startWorker from a bundle of the entry's module graph (bin/cli-bundle.js, workerBundle) where
 * one can be built, for a worker whose start is on the user's clock: through tsx a worker
 * compiles every module it imports in its own loader thread, 1 to 1.5 s on 2 cores, where a
 * bundle starts in tens of milliseconds. A compiled (.js) entry starts as it is, and so does any
 * entry where KEEL_NO_BUNDLE is set (workerBundle). A worker started without options may be one
 * the CLI started ahead (bin/prestart.js), already up.
 */
export async function startBundledWorker(url: URL, options: WorkerOptions = {}): Promise<Worker> {
  if (url.pathname.endsWith('.ts')) {
    const { workerBundle, takePrestartedWorker } = (await import(BUNDLES)) as {
      workerBundle(entry: string): Promise<string | undefined>;
      takePrestartedWorker(path: string): Worker | undefined;
    };
    const path = await workerBundle(fileURLToPath(url));
    if (path) return (Object.keys(options).length === 0 ? takePrestartedWorker(path) : undefined) ?? new Worker(path, options);
  }
  return startWorker(url, options);
}
