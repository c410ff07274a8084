export * from './errors.js';
export * from './ids.js';
export * from './hash.js';
export * from './logger.js';
export * from './table.js';
export * from './env.js';
export * from './config.js';
export * from './worker.js';
