// The shapes the dataset endpoints answer with live in core (core/contracts/datasets.ts), which the client shares.
export type { AddedVersion, DatasetVersionInfo, ColumnMove, ColumnProfile, ColumnShift, ColumnStats, DatasetDiff, DatasetSummary, DatasetVersion, LocationShift, RenameHint, RowsPage, SchemaChange, Shift, StatsDrift, TopShare } from '../core/index.js';

