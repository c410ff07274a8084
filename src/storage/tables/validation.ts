// Filled by the validation subsystem's issue; its migration lives in ../migrations/.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ValidationTables {}
