// Filled by the registry subsystem's issue; its migration lives in ../migrations/.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RegistryTables {}
