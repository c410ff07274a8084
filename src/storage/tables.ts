/**
 * Row types of every metadata table, one interface per subsystem, merged into `Database`.
 * Row types are kept apart from the domain types each subsystem returns (STYLE.md, rule 12).
 * Timestamps are epoch milliseconds (BIGINT); JSON is stored as TEXT.
 */
import type { DatasetTables } from './tables/datasets.js';
import type { TrackingTables } from './tables/tracking.js';
import type { RegistryTables } from './tables/registry.js';
import type { MonitoringTables } from './tables/monitoring.js';
import type { ValidationTables } from './tables/validation.js';

export type Database = DatasetTables & TrackingTables & RegistryTables & MonitoringTables & ValidationTables;

export type { DatasetTables, TrackingTables, RegistryTables, MonitoringTables, ValidationTables };
