import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from './route-options.js';

// Filled by the datasets work: /api/v1/datasets...
export const datasetRoutes: FastifyPluginAsync<RoutePluginOptions> = async () => {};
