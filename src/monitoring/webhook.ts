import { createHmac, timingSafeEqual } from 'node:crypto';
import { jsonReplacer, newId } from '../core/index.js';
import type { DeliveryOutcome, WebhookTarget } from './types.js';
import { deliveryRequest, maskedUrl } from './webhook-urls.js';

export const SIGNATURE_HEADER = 'x-keel-signature';
export const TIMESTAMP_HEADER = 'x-keel-timestamp';

/** `sha256=<hex>`: HMAC-SHA256 of the raw body bytes with the rule's secret. */
export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * What a receiver does: recompute the HMAC over the raw body, compare in constant time, and
 * refuse old deliveries. The timestamp is checked inside the signed body (the header is a copy
 * and must match), so a replay cannot freshen it without the secret.
 */
export function verifyWebhookSignature(o: { secret: string; body: string; signature: string | undefined; timestamp?: string | undefined; toleranceMs?: number; now?: number }): boolean {
  if (!o.signature) return false;
  const expected = Buffer.from(signWebhookBody(o.secret, o.body));
  const got = Buffer.from(o.signature);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return false;
  let sent: unknown;
  try {
    sent = (JSON.parse(o.body) as { timestamp?: unknown }).timestamp;
  } catch {
    return false;
  }
  if (typeof sent !== 'number') return false;
  if (o.timestamp !== undefined && String(sent) !== o.timestamp) return false;
  return Math.abs((o.now ?? Date.now()) - sent) <= (o.toleranceMs ?? 5 * 60_000);
}

export interface DeliveryOptions {
  /** Attempts in all (default 5). */
  readonly attempts?: number;
  /** First retry delay; doubles each time (default 1,000 ms). */
  readonly backoffMs?: number;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

/**
 * POSTs a signed JSON event; retries network errors, 408, 429 and 5xx with exponential backoff.
 * Every attempt sends the same bytes and X-Keel-Delivery id, so a receiver can drop duplicates.
 */
export async function deliverWebhook(target: WebhookTarget, event: string, payload: Readonly<Record<string, unknown>>, options: DeliveryOptions = {}): Promise<DeliveryOutcome> {
  const attempts = options.attempts ?? 5;
  const timestamp = (options.now ?? Date.now)();
  // Non-finite numbers as the API writes them ('Infinity'), not JSON.stringify's null.
  const body = JSON.stringify({ event, timestamp, ...payload }, jsonReplacer);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'keel-webhook/1',
    'x-keel-event': event,
    'x-keel-delivery': newId(),
    [TIMESTAMP_HEADER]: String(timestamp),
    // A webhook whose secret was removed (`secret: null`) is sent unsigned.
    ...(target.secret !== undefined ? { [SIGNATURE_HEADER]: signWebhookBody(target.secret, body) } : {}),
  };
  // Credentials in the URL's user info go as Basic authorization (fetch refuses them in the URL).
  const request = deliveryRequest(target.url);
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  // An error names the URL masked: outcomes are stored, answered and logged.
  const masked = (message: string): string => message.split(target.url).join(maskedUrl(target.url)).split(request.url).join(maskedUrl(request.url));
  let last: DeliveryOutcome = { status: 'failed', attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(request.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { status: 'delivered', attempts: attempt, httpStatus: res.status };
      last = { status: 'failed', attempts: attempt, httpStatus: res.status, error: `HTTP ${res.status}` };
      if (!(res.status === 408 || res.status === 429 || res.status >= 500)) return last;
    } catch (e) {
      last = { status: 'failed', attempts: attempt, error: masked((e as Error).message) };
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, (options.backoffMs ?? 1000) * 2 ** (attempt - 1)));
  }
  return last;
}
