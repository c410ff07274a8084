import type { AlertRule, AlertRuleView, MonitorConfig, MonitorView, WebhookTarget } from './types.js';
import { maskedUrl } from './webhook-urls.js';

/**
 * A webhook's secret is write-only, as GitHub's and Stripe's are: answers carry `secretSet`
 * instead, and a definition sent back without the secret (an answer edited and PUT) keeps the one
 * stored for that URL, so a round trip does not silently stop the signing. Credentials in the URL
 * (a password, a token in the query) are shown masked the same way (webhook-urls.ts).
 */

/** The monitor as answered: every rule's webhook as `{url, secretSet}`, the URL's credentials masked. */
export function viewOfMonitor(config: MonitorConfig): MonitorView {
  return { ...config, rules: config.rules.map(viewOfRule) };
}

function viewOfRule(rule: AlertRule): AlertRuleView {
  if (!rule.webhook) return rule as AlertRuleView;
  const { webhook, ...rest } = rule;
  return { ...rest, webhook: { url: maskedUrl(webhook.url), secretSet: webhook.secret !== undefined } };
}

/** Finds the stored webhook a definition's webhook without a secret stands for. */
export type StoredWebhooks = (url: string, rule?: string) => WebhookTarget | undefined;

/**
 * The stored monitor's webhooks by URL: the same rule's first (by name), else the first rule's
 * with that URL (the monitor-wide `webhook` is stored in each rule). The URL may be the stored
 * one as answers show it, its credentials masked: it stands for the stored one (whose URL the
 * webhook found has). A changed URL finds none.
 */
export function storedWebhooks(previous: MonitorConfig | undefined): StoredWebhooks {
  const rules = previous?.rules ?? [];
  return (url, rule) => {
    const stands = (r: AlertRule): boolean => r.webhook !== undefined && (r.webhook.url === url || maskedUrl(r.webhook.url) === url);
    const same = rules.find((r) => r.name === rule && stands(r)) ?? rules.find(stands);
    return same?.webhook;
  };
}
