import type { Migration } from 'kysely';
import * as m001 from './001-datasets.js';
import * as m002 from './002-tracking.js';
import * as m003 from './003-registry.js';
import * as m004 from './004-validation.js';
import * as m005 from './005-monitoring.js';
import * as m006 from './006-metric-history-key.js';
import * as m007 from './007-alert-resolved-delivery.js';
import * as m008 from './008-dataset-updated-at.js';

/**
 * Numbered migrations, applied in order on SQLite and PostgreSQL alike. A migration never
 * changes once it has shipped: add a new number instead.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-datasets': m001,
  '002-tracking': m002,
  '003-registry': m003,
  '004-validation': m004,
  '005-monitoring': m005,
  '006-metric-history-key': m006,
  '007-alert-resolved-delivery': m007,
  '008-dataset-updated-at': m008,
};
