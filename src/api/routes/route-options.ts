import type { Platform } from '../platform.js';

export interface RoutePluginOptions {
  readonly platform: Platform;
}
