import type { AlertRule, AlertRuleView, MonitorConfig, MonitorView, WebhookTarget } from './types.js';

/**
 * A webhook's secret is write-only, as GitHub's and Stripe's are: answers carry `secretSet`
 * instead, and a definition sent back without the secret (an answer edited and PUT) keeps the one
 * stored for that URL, so a round trip does not silently stop the signing.
 */

/** The monitor as answered: every rule's webhook as `{url, secretSet}`. */
export function viewOfMonitor(config: MonitorConfig): MonitorView {
  return { ...config, rules: config.rules.map(viewOfRule) };
}

function viewOfRule(rule: AlertRule): AlertRuleView {
  if (!rule.webhook) return rule as AlertRuleView;
  const { webhook, ...rest } = rule;
  return { ...rest, webhook: { url: webhook.url, secretSet: webhook.secret !== undefined } };
}

/** Finds the stored webhook a definition's webhook without a secret stands for. */
export type StoredWebhooks = (url: string, rule?: string) => WebhookTarget | undefined;

/**
 * The stored monitor's webhooks by URL: the same rule's first (by name), else the first rule's
 * with that URL (the monitor-wide `webhook` is stored in each rule). A changed URL finds none.
 */
export function storedWebhooks(previous: MonitorConfig | undefined): StoredWebhooks {
  const rules = previous?.rules ?? [];
  return (url, rule) => {
    const same = rules.find((r) => r.name === rule && r.webhook?.url === url) ?? rules.find((r) => r.webhook?.url === url);
    return same?.webhook;
  };
}
