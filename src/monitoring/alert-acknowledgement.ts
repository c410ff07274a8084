import { invalidArgument, notFound } from '../core/index.js';
import type { MonitorStore } from './monitor-store.js';
import type { Alert } from './types.js';

/**
 * Acknowledges an alert by its id or its start, 4 characters or more, as `keel alerts ls` shows
 * its first 12: a start two alerts share is refused, naming them. The alert is answered whole, so
 * a caller that typed a start learns which alert it acknowledged.
 */
export async function acknowledgeAlert(store: MonitorStore, id: string, now: number): Promise<Alert> {
  const fullId = await alertIdFor(store, id);
  await store.acknowledgeAlert(fullId, now);
  return (await store.getAlert(fullId))!;
}

async function alertIdFor(store: MonitorStore, id: string): Promise<string> {
  const prefix = id.toLowerCase();
  if (!/^[0-9a-f]{4,31}$/.test(prefix)) return id;
  const ids = await store.alertIdsStartingWith(prefix, 5);
  if (ids.length === 0) throw notFound('alert', id, 'id');
  if (ids.length > 1) throw invalidArgument('id', `alert id '${id}' is ambiguous: it starts ${ids.length > 4 ? 'more than 4 alerts' : `${ids.length} alerts`} (${ids.slice(0, 4).join(', ')}); give more of its characters`);
  return ids[0]!;
}
