import type { Platform } from '../../api/index.js';
import { KeelError, isKeelError } from '../../core/index.js';

/** What the quickstart's monitor watches and how: drift of the inputs against month 1, retraining on an alert. */
export interface QuickstartMonitorSpec {
  readonly name: string;
  readonly deployment: string;
  readonly referenceDataset: string;
  readonly windowMs: number;
  /** Where the windows are laid: one starts at every origin + k x windowMs. */
  readonly originMs: number;
  /** The first window of this run's traffic: the watch starts there (see docs/monitoring.md, `start`). */
  readonly start: number;
  readonly retrain: Record<string, unknown>;
}

function definition(s: QuickstartMonitorSpec): Record<string, unknown> {
  return {
    name: s.name,
    deployment: s.deployment,
    window: { type: 'tumbling', sizeMs: s.windowMs, graceMs: 200 },
    origin: s.originMs,
    referenceDataset: s.referenceDataset,
    start: s.start,
    rules: [{ name: 'input-drift', metric: 'drift.share', op: '>=', threshold: 0.5, cooldown: '1h', retrain: { train: s.retrain } }],
  };
}

/**
 * A monitor of that name on another deployment is someone else's: the quickstart neither takes it
 * over nor runs without its own. Checked before the quickstart's work, and again when it puts its monitor.
 */
export async function assertMonitorIsOurs(platform: Platform, name: string, deployment: string): Promise<void> {
  const existing = await platform.monitoring.getMonitor(name).catch((e: unknown) => {
    if (isKeelError(e) && e.code === 'NOT_FOUND') return undefined;
    throw e;
  });
  if (existing && existing.deployment !== deployment) {
    throw new KeelError('ALREADY_EXISTS', `monitor '${name}' already exists and watches deployment '${existing.deployment}', not the quickstart's '${deployment}'; remove it (keel monitor rm ${name}) or give the quickstart another --home`, { field: 'name' });
  }
}

/**
 * Creates the monitor, or on a second run updates the one the first run made: same name, this
 * run's windows and start, so it judges this run's traffic and keeps the earlier runs' windows and alerts.
 */
export async function putQuickstartMonitor(platform: Platform, spec: QuickstartMonitorSpec): Promise<'created' | 'updated'> {
  try {
    await platform.monitoring.createMonitor(definition(spec));
    return 'created';
  } catch (e) {
    if (!isKeelError(e) || e.code !== 'ALREADY_EXISTS') throw e;
  }
  await assertMonitorIsOurs(platform, spec.name, spec.deployment);
  await platform.monitoring.updateMonitor(definition(spec));
  return 'updated';
}
