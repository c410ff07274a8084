/**
 * A child process of runs-sdk.test.ts: a training loop that logs metric points through the SDK's
 * background buffer, then ends in one of three ways.
 * Usage: sdk-logger.ts <server-url> <run-id> <mode: kill | sigterm | natural> <points>
 *   kill     after logging, waits past three flush ticks, logs a few more points, then SIGKILLs itself
 *   sigterm  prints "logged" and waits for the parent's SIGTERM
 *   natural  returns from the script without close(): the beforeExit hook flushes
 */
import { KeelClient } from '../../../client/index.js';

const [url, runId, mode, points] = process.argv.slice(2) as [string, string, string, string];
const client = new KeelClient({ baseUrl: url });
const tracking = client.tracking;
for (let i = 0; i < Number(points); i++) tracking.logMetric(runId, 'loss', 1 / (i + 1), i);

if (mode === 'kill') {
  await new Promise((r) => setTimeout(r, tracking.flushIntervalMs * 3 + 300));
  for (let i = 0; i < 7; i++) tracking.logMetric(runId, 'late', i, i); // after the last tick: may be lost
  process.kill(process.pid, 'SIGKILL');
} else if (mode === 'sigterm') {
  process.stdout.write('logged\n');
  setInterval(() => undefined, 1000); // a busy process, killed from outside
}
