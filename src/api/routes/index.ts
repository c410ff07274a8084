import type { FastifyPluginAsync } from 'fastify';
import type { RoutePluginOptions } from './route-options.js';
import { artifactRoutes } from './artifacts.js';
import { datasetRoutes } from './datasets.js';
import { mlflowArtifactsProxyRoutes } from './mlflow/artifacts-proxy-routes.js';
import { mlflowTrackingRoutes } from './mlflow/tracking-routes.js';
import { mlflowRegistryRoutes } from './mlflow/registry-routes.js';
import { modelRoutes } from './models.js';
import { monitoringRoutes } from './monitoring.js';
import { validationRoutes } from './validation.js';
import { trainingRoutes } from './training.js';

export type { RoutePluginOptions };

/** Each subsystem's routes, one plugin per file. */
export const ROUTE_PLUGINS: readonly FastifyPluginAsync<RoutePluginOptions>[] = [datasetRoutes, mlflowTrackingRoutes, mlflowArtifactsProxyRoutes, mlflowRegistryRoutes, modelRoutes, monitoringRoutes, validationRoutes, trainingRoutes, artifactRoutes];
