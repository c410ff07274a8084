export { createApiServer } from './server.js';
export { keelErrorOf } from './errors.js';
export type { ApiServerOptions } from './server.js';
export { openPlatform } from './platform.js';
export type { Platform } from './platform.js';
