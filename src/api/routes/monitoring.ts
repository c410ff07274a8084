import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { invalidArgument, notFound } from '../../core/index.js';
import { created, ok } from '../openapi.js';
import type { RoutePluginOptions } from './route-options.js';
import { noBodyAsEmpty, StrictObject } from './strict-object.js';

const READ = { permission: 'monitoring:read' } as const;
const WRITE = { permission: 'monitoring:write' } as const;
// Retention deletes every caller's logged predictions and labels: more than a monitor's writer may.
const ADMIN = { permission: 'monitoring:admin' } as const;

const Label = StrictObject({ requestId: Type.String(), label: Type.Unknown(), timestamp: Type.Optional(Type.Number()) });
const FeedbackBody = StrictObject({
  requestId: Type.Optional(Type.String()),
  label: Type.Optional(Type.Unknown()),
  timestamp: Type.Optional(Type.Number()),
  labels: Type.Optional(Type.Array(Label, { maxItems: 100_000 })),
});
// The caller computes `before` from its duration (`--older-than 30d`), so the CLI prints the same cut-off both ways.
const PruneQuery = Type.Object({ before: Type.Number({ description: 'delete predictions with event time before this (epoch ms)' }), deployment: Type.Optional(Type.String()) });
const PredictionsQuery = Type.Object({
  deployment: Type.String(),
  labeled: Type.Optional(Type.Boolean({ description: 'only predictions with a label' })),
  from: Type.Optional(Type.Number({ description: 'event time from (epoch ms, inclusive)' })),
  to: Type.Optional(Type.Number({ description: 'event time to (epoch ms, exclusive)' })),
  labelCursorTs: Type.Optional(Type.Number({ description: 'with labelCursorRequestId: only labels after this (label time, request id), in label order' })),
  labelCursorRequestId: Type.Optional(Type.String()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
const NameParams = Type.Object({ name: Type.String() });
const LimitQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });
const AlertsQuery = Type.Object({
  monitor: Type.Optional(Type.String()),
  deployment: Type.Optional(Type.String()),
  state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
// Monitor definitions are validated by the service (parseMonitorConfig), which names the bad field
// and refuses an unknown one, in a file read by `keel monitor create --file` as here.
const MonitorBody = Type.Object({ name: Type.String(), deployment: Type.String() }, { additionalProperties: true });

/** A rule's retrain command runs a shell command on the server: defining one takes admin rights. */
function hasRetrainCommand(body: unknown): boolean {
  const rules = (body as { rules?: unknown }).rules;
  return Array.isArray(rules) && rules.some((r) => typeof (r as { retrain?: { command?: unknown } })?.retrain?.command === 'string');
}

/** /api/v1/feedback, /api/v1/predictions..., /api/v1/monitors..., /api/v1/alerts..., /api/v1/predictions/:requestId. */
export const monitoringRoutes: FastifyPluginAsync<RoutePluginOptions> = async (app, { platform }) => {
  const svc = platform.monitoring;
  const requireAdminForCommands = async (req: FastifyRequest): Promise<void> => {
    if (!hasRetrainCommand(req.body)) return;
    await platform.authorizer.authorize({ method: req.method, url: req.url, headers: req.headers, permission: 'monitoring:admin' });
  };

  app.post('/api/v1/feedback', { config: WRITE, schema: { body: FeedbackBody, summary: 'Record late labels for logged predictions, joined by request id', tags: ['monitoring'], response: ok('{stored, matched}: the labels stored, and how many matched a logged prediction') } }, async (req) => {
    const b = req.body as Static<typeof FeedbackBody>;
    if (b.labels !== undefined) {
      if (b.requestId !== undefined) throw invalidArgument('requestId', 'give either requestId + label or labels, not both');
      return svc.addFeedback(b.labels);
    }
    if (b.requestId === undefined) throw invalidArgument('requestId', 'missing (or give labels: [...])');
    return svc.addFeedback([{ requestId: b.requestId, label: b.label, ...(b.timestamp !== undefined ? { timestamp: b.timestamp } : {}) }]);
  });

  app.get('/api/v1/predictions/:requestId', { config: READ, schema: { params: Type.Object({ requestId: Type.String() }), summary: 'One logged prediction, by request id', tags: ['monitoring'], response: ok('the logged prediction') } }, async (req) => {
    const { requestId } = req.params as { requestId: string };
    const p = await svc.predictions.get(requestId);
    if (!p) throw notFound('prediction', requestId);
    return p;
  });

  // What a consumer beside the server reads (keel monitor learn --server): one page at a time.
  app.get('/api/v1/predictions', { config: READ, schema: { querystring: PredictionsQuery, summary: 'Logged predictions of a deployment with their labels: by event time, or after a label cursor in label order', tags: ['monitoring'], response: ok('{predictions: [...]}, oldest first (by label time with a label cursor)') } }, async (req) => {
    const q = req.query as Static<typeof PredictionsQuery>;
    if ((q.labelCursorTs === undefined) !== (q.labelCursorRequestId === undefined)) {
      throw invalidArgument(q.labelCursorTs === undefined ? 'labelCursorTs' : 'labelCursorRequestId', 'give labelCursorTs and labelCursorRequestId together');
    }
    return {
      predictions: await svc.predictions.query({
        deployment: q.deployment, limit: q.limit ?? 1000,
        ...(q.labeled ? { labeledOnly: true } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.labelCursorTs !== undefined ? { labelCursor: { ts: q.labelCursorTs, requestId: q.labelCursorRequestId! } } : {}),
      }),
    };
  });
  app.delete('/api/v1/predictions', { config: ADMIN, schema: { querystring: PruneQuery, summary: 'Retention: delete logged predictions (and their labels) with event time before `before`, of one deployment or all', tags: ['monitoring'], response: ok('{deleted, before}: how many predictions were deleted, and the cut-off') } }, async (req) => {
    const { before, deployment } = req.query as Static<typeof PruneQuery>;
    return { deleted: await svc.predictions.prune(before, deployment), before };
  });

  app.get('/api/v1/monitors', { config: READ, schema: { querystring: Type.Object({ deployment: Type.Optional(Type.String()) }), summary: 'List monitors (of one deployment)', tags: ['monitoring'], response: ok('{monitors: [...]}') } }, async (req) => ({
    monitors: await svc.listMonitors((req.query as { deployment?: string }).deployment),
  }));
  app.post('/api/v1/monitors', { config: WRITE, schema: { body: MonitorBody, summary: 'Create a monitor: windows over the prediction log, alert rules, webhooks, retraining', tags: ['monitoring'], response: created('the monitor created') } }, async (req, reply) => {
    await requireAdminForCommands(req);
    reply.status(201);
    return svc.createMonitor(req.body);
  });
  app.get('/api/v1/monitors/:name', { config: READ, schema: { params: NameParams, summary: 'One monitor\'s definition', tags: ['monitoring'], response: ok('the monitor') } }, async (req) => svc.getMonitor((req.params as Static<typeof NameParams>).name));
  app.put('/api/v1/monitors/:name', { config: WRITE, schema: { params: NameParams, body: MonitorBody, summary: 'Replace a monitor\'s definition', tags: ['monitoring'], response: ok('the monitor updated') } }, async (req) => {
    const { name } = req.params as Static<typeof NameParams>;
    const body = req.body as Static<typeof MonitorBody>;
    if (body.name !== name) throw invalidArgument('name', `the body names '${body.name}', the path '${name}'`);
    await requireAdminForCommands(req);
    return svc.updateMonitor(body);
  });
  app.delete('/api/v1/monitors/:name', { config: WRITE, schema: { params: NameParams, summary: 'Delete a monitor and its windows (its firing alerts are resolved)', tags: ['monitoring'], response: ok('{resolvedAlerts: [alert id], deliveries: [{alertId, rule, status, attempts, httpStatus?, error?}]}: the alerts resolved and their alert.resolved webhooks') } }, async (req) =>
    svc.deleteMonitor((req.params as Static<typeof NameParams>).name));
  app.get('/api/v1/monitors/:name/windows', { config: READ, schema: { params: NameParams, querystring: LimitQuery, summary: 'A monitor\'s evaluated windows, newest first', tags: ['monitoring'], response: ok('{windows: [...]}, newest first') } }, async (req) => ({
    windows: await svc.listWindows((req.params as Static<typeof NameParams>).name, (req.query as Static<typeof LimitQuery>).limit ?? 20),
  }));
  app.post('/api/v1/monitors/:name/run', { config: WRITE, preValidation: noBodyAsEmpty, schema: { params: NameParams, body: Type.Optional(StrictObject({ now: Type.Optional(Type.Number()) })), summary: 'Evaluate a monitor\'s complete windows not yet evaluated', tags: ['monitoring'], response: ok('{monitor, evaluated: [window], refreshed, fired: [alert], resolved: [alert id]}') } }, async (req) => {
    const now = (req.body as { now?: number } | undefined)?.now;
    return svc.runMonitor((req.params as Static<typeof NameParams>).name, now !== undefined ? { now } : {});
  });
  app.get('/api/v1/monitor-status/:target', { config: READ, schema: { params: Type.Object({ target: Type.String() }), querystring: LimitQuery, summary: 'The last windows, alerts and retraining of every monitor on a deployment (or of one monitor)', tags: ['monitoring'], response: ok('{monitors: [...]}') } }, async (req) => ({
    monitors: await svc.status((req.params as { target: string }).target, (req.query as Static<typeof LimitQuery>).limit ?? 10),
  }));

  app.get('/api/v1/alerts', { config: READ, schema: { querystring: AlertsQuery, summary: 'List alerts, newest first', tags: ['monitoring'], response: ok('{alerts: [...]}') } }, async (req) => ({ alerts: await svc.listAlerts(req.query as Static<typeof AlertsQuery>) }));
  app.post('/api/v1/alerts/:id/ack', { config: WRITE, preValidation: noBodyAsEmpty, schema: { params: Type.Object({ id: Type.String() }), body: Type.Optional(StrictObject({})), summary: 'Acknowledge an alert (by its id or a start of it, 4 characters or more)', tags: ['monitoring'], response: ok('{acknowledged: true, alert}: the alert acknowledged, its id whole') } }, async (req) => ({
    acknowledged: true,
    alert: await svc.acknowledgeAlert((req.params as { id: string }).id),
  }));
};
