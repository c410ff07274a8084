export { KeelClient } from './keel-client.js';
export { HttpTransport } from './http.js';
export type { ClientOptions } from './http.js';
