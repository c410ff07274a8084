import type { Transaction } from './transactions.js';

export interface TrafficResult {
  readonly sent: number;
  readonly failed: number;
  /** Each answered request's id and the index of the row it sent (which the label comes from). */
  readonly sentRows: readonly { readonly requestId: string; readonly row: number }[];
}

/**
 * Sends transactions one per request to `/v1/models/{model}:predict` with a few connections, each
 * request carrying its own x-request-id so that labels can be sent back for it later.
 */
export async function sendTraffic(baseUrl: string, model: string, rows: readonly Transaction[], idPrefix: string, until: number, concurrency = 8): Promise<TrafficResult> {
  let next = 0;
  let failed = 0;
  const sentRows: { requestId: string; row: number }[] = [];
  const worker = async () => {
    // Cycles through the rows until the deadline, so the phase fills its window whatever the pace.
    for (let i = next++; Date.now() < until; i = next++) {
      const { is_fraud: _label, is_foreign, ...features } = rows[i % rows.length]!;
      const requestId = `${idPrefix}-${i}`;
      try {
        const res = await fetch(`${baseUrl}/v1/models/${model}:predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ instances: [{ ...features, is_foreign: is_foreign ? 1 : 0 }] }),
        });
        if (!res.ok) {
          failed++;
          continue;
        }
        await res.arrayBuffer();
        sentRows.push({ requestId, row: i });
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sent: next - concurrency, failed, sentRows };
}

/** The next multiple of `periodMs` after now: where the next tumbling window starts. */
export function nextBoundary(periodMs: number): number {
  return Math.ceil(Date.now() / periodMs) * periodMs;
}

export function sleepUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
}
