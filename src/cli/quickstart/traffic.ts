import { whyUnanswered } from '../../client/index.js';
import { KeelError } from '../../core/index.js';
import type { Transaction } from './transactions.js';

export interface TrafficResult {
  readonly sent: number;
  readonly failed: number;
  /** What went wrong with the first request that failed: its status and the server's error, or why it got no answer. */
  readonly firstFailure: string | undefined;
  /** Each answered request's id and the index of the row it sent (which the label comes from). */
  readonly sentRows: readonly { readonly requestId: string; readonly row: number }[];
}

/** How long a phase of traffic goes on. */
export interface TrafficPhase {
  /** Requests are sent until this time... */
  readonly until: number;
  /** ...and after it until this many are answered, while no more fail than are answered, up to `latest`. */
  readonly minAnswered?: number;
  readonly latest?: number;
}

/**
 * Sends transactions one per request to `/v1/models/{model}:predict` with a few connections, each
 * request carrying its own x-request-id so that labels can be sent back for it later. It returns
 * once every request it sent is answered.
 */
export async function sendTraffic(baseUrl: string, model: string, rows: readonly Transaction[], idPrefix: string, phase: TrafficPhase, concurrency = 8): Promise<TrafficResult> {
  let next = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const fail = (why: string) => {
    failed++;
    firstFailure ??= why;
  };
  const sentRows: { requestId: string; row: number }[] = [];
  const goesOn = (): boolean => {
    const now = Date.now();
    if (now < phase.until) return true;
    return sentRows.length < (phase.minAnswered ?? 0) && failed <= sentRows.length && now < (phase.latest ?? phase.until);
  };
  const worker = async () => {
    // Cycles through the rows until the phase ends, so it fills its time whatever the pace.
    for (let i = next++; goesOn(); i = next++) {
      const { is_fraud: _label, is_foreign, ...features } = rows[i % rows.length]!;
      const requestId = `${idPrefix}-${i}`;
      try {
        const res = await fetch(`${baseUrl}/v1/models/${model}:predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ instances: [{ ...features, is_foreign: is_foreign ? 1 : 0 }] }),
        });
        if (!res.ok) {
          fail(`${res.status} ${await errorOf(res)}`);
          continue;
        }
        await res.arrayBuffer();
        sentRows.push({ requestId, row: i });
      } catch (e) {
        fail(whyUnanswered(e));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent: next - concurrency, failed, firstFailure, sentRows };
}

/**
 * Fails when fewer than half of a phase's requests were answered: the monitor would then judge
 * windows of almost no traffic, and every step after it would report on nothing.
 */
export function assertTrafficAnswered(traffic: TrafficResult, phase: string, url: string): void {
  if (traffic.failed * 2 <= traffic.sent) return;
  throw new KeelError(
    'UNAVAILABLE',
    `the model server answered ${traffic.sent - traffic.failed} of the quickstart's ${traffic.sent} requests ${phase} (${traffic.failed} failed) to POST ${url}; the first failure: ${traffic.firstFailure ?? 'none'}`,
    { details: { sent: traffic.sent, failed: traffic.failed, firstFailure: traffic.firstFailure } },
  );
}

/** The server's own words for a failed request: the `error` of Keel's JSON answer, else the body's start. */
async function errorOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const error = (JSON.parse(text) as { error?: unknown; message?: unknown }).error;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  } catch {
    // Not JSON: the text itself says it.
  }
  return text.slice(0, 200) || res.statusText;
}

/** Tumbling windows laid on two phases of traffic: the first holds the whole first phase, the second starts at `boundary`. */
export interface PhaseWindows {
  /** The first window's start: where the monitor's watch starts. */
  readonly start: number;
  /** The second window's start, after the first phase's last answer: where the second phase starts. */
  readonly boundary: number;
  readonly sizeMs: number;
  /** The windows' origin (`boundary` modulo the size), so that one starts at `boundary`. */
  readonly originMs: number;
}

/**
 * Windows for a first phase that ran from `firstStart` and had every answer in by `firstEnd`.
 * The model server stamps a prediction when it answers, so an answer to a request sent just
 * before a fixed boundary would fall after it, in the next phase's window (on a busy machine, many
 * do). Laid here, window 1 ends a millisecond after the last answer, and both windows are as long
 * as the first phase took, rounded up to a tenth of a second.
 */
export function phaseWindows(firstStart: number, firstEnd: number): PhaseWindows {
  const boundary = firstEnd + 1;
  const sizeMs = Math.ceil((boundary - firstStart) / 100) * 100;
  return { start: boundary - sizeMs, boundary, sizeMs, originMs: boundary % sizeMs };
}

export function sleepUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
}
