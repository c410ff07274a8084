import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * Starts a worker thread from a module URL. Keel runs from TypeScript sources (through tsx), and
 * worker threads do not inherit the parent's loader, so a `.ts` worker is started with tsx.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  const execArgv = url.pathname.endsWith('.ts')
    ? ['--import', pathToFileURL(require.resolve('tsx/esm')).href, ...(options.execArgv ?? [])]
    : options.execArgv;
  return new Worker(url, { ...options, ...(execArgv ? { execArgv } : {}) });
}
