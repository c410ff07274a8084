export { createApiServer, keelErrorOf } from './server.js';
export type { ApiServerOptions } from './server.js';
export { openPlatform } from './platform.js';
export type { Platform } from './platform.js';
