export { openMetadataStore, migrateToLatest, isUniqueViolation, rawDriverOf } from './metadata-store.js';
export type { MetadataStore, DialectName, OpenMetadataStoreOptions, RawDriver } from './metadata-store.js';
export { LocalArtifactStore } from './artifact-store.js';
export type { ArtifactStore, ArtifactRef, PutOptions, StoredBlob } from './artifact-store.js';
export { ARTIFACT_COLUMNS, artifactRecorded, recordedArtifacts } from './artifact-references.js';
export type { Database } from './tables.js';
export { testPostgresUrl, testStores } from './test-stores.js';
export type { TestStore } from './test-stores.js';
