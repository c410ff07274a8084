import type { SavedMonitor } from '../core/index.js';
import type { MonitorView } from './types.js';

/**
 * Deployments are not registered anywhere: one exists once its server logs a prediction. A
 * monitor may be put on one before its first request (so it is stored), but a name no traffic
 * has used yet is more often a typo, so the answer says so and names the ones that exist
 * (`known`: the deployments with logged predictions).
 */
export function withDeploymentWarning(view: MonitorView, known: readonly string[]): SavedMonitor {
  const deployment = view.deployment;
  if (known.includes(deployment)) return view;
  const existing = known.length > 0 ? `deployments with logged predictions: ${known.map((d) => `'${d}'`).join(', ')}` : 'no deployment has logged a prediction yet';
  return { ...view, warnings: [`deployment: no prediction has been logged for deployment '${deployment}' (${existing}); the monitor sees data once a server logs some under that name (keel serve --name ${deployment}, or a model of that name served without --name)`] };
}
