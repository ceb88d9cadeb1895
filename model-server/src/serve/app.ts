import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { HttpLimits, Variant } from '../config/serve-config.js';
import { registerStoreMetrics } from '../metrics/store-metrics.js';
import { inputBinsOf } from '../metrics/input-metrics.js';
import { createServeMetrics } from '../metrics/serve-metrics.js';
import type { Model } from '../model/types.js';
import type { PredictionSink } from '../store/types.js';
import type { ValidateRecords } from './body-validator.js';
import { handleError } from './errors.js';
import { newRequestId } from './request-id.js';
import { registerRequestLog } from './request-log.js';
import { registerInfoRoutes } from './routes/info.js';
import { registerPredictionRoute } from './routes/predictions.js';

/** Mutable state shared by the routes and the shutdown sequence. */
export class ServeState {
  /** Set on SIGTERM: /ready fails so the endpoint is removed before the listener closes. */
  draining = false;
}

/** What the serve app is built from; everything with side effects is passed in. */
export interface ServeDeps {
  model: Model;
  /** Body validator of the model package (`validateRecords`). */
  validateRecords: ValidateRecords;
  /** JSON Schema of one house record, for the OpenAPI document. */
  recordSchema: object;
  variant: Variant;
  sink: PredictionSink;
  /** When true, /ready also requires the prediction store to be reachable. */
  storeRequired: boolean;
  limits: HttpLimits;
  logger: FastifyBaseLogger;
  /** Include the model inputs in the per-request log line. */
  logInputs: boolean;
  /** Registry for the metrics; a fresh one per app by default. */
  registry?: Registry;
  /** Add prom-client's default process metrics (on in production, off in most tests). */
  defaultMetrics?: boolean;
  state?: ServeState;
}

/** Builds the serve app (not listening); test it with `inject()`, start it with `listen()`. */
export async function buildServer(deps: ServeDeps): Promise<FastifyInstance> {
  const { model, variant, limits } = deps;
  const state = deps.state ?? new ServeState();
  const registry = deps.registry ?? new Registry();
  const labels = { model_name: model.name, model_version: model.version, variant };
  const inputBins = inputBinsOf(model.profile, (message) => deps.logger.warn(labels, message));
  const metrics = createServeMetrics(registry, labels, deps.defaultMetrics ?? true, inputBins);
  if (deps.sink.persistent) registerStoreMetrics(registry, labels, () => deps.sink.stats());

  const app = Fastify({
    loggerInstance: deps.logger.child(labels),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: newRequestId,
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout: limits.requestTimeoutMs,
    // Node 20 honours requestTimeout only when given at construction, and checks it every
    // connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
    },
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Strict input: never turn "3" into 3, report the first problem only (allErrors is a DoS risk).
    ajv: { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false } },
  });
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'model-server',
        description: 'House price predictions with metrics and a prediction store.',
        version: model.version,
      },
    },
  });
  // While draining, every answer closes its connection, so keep-alive clients move to other
  // replicas before the listener closes instead of racing it with a request on an idle socket.
  app.addHook('onRequest', (_request, reply, done) => {
    if (state.draining) void reply.header('connection', 'close');
    done();
  });
  registerRequestLog(app, metrics, deps.logInputs);
  registerPredictionRoute(app, {
    model,
    variant,
    sink: deps.sink,
    metrics,
    validateRecords: deps.validateRecords,
    recordSchema: deps.recordSchema,
    maxRecords: limits.maxRecords,
  });
  registerInfoRoutes(app, {
    model,
    variant,
    registry,
    sink: deps.sink,
    storeRequired: deps.storeRequired,
    state,
  });
  return app;
}
