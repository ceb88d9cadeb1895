import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Model } from '../../model/types.js';
import type { PredictionSink } from '../../store/types.js';
import type { ServeState } from '../app.js';
import { healthRouteSchema, metricsRouteSchema, modelRouteSchema, readyRouteSchema } from '../schemas.js';

/** What the probe, model and metrics routes need. */
export interface InfoRouteDeps {
  model: Model;
  variant: string;
  registry: Registry;
  sink: PredictionSink;
  storeRequired: boolean;
  state: ServeState;
}

/** Why the server is not ready; empty when it is. A pure function of the observed state. */
export function notReadyReasons(
  draining: boolean,
  storeRequired: boolean,
  storeReachable: boolean,
): string[] {
  const reasons: string[] = [];
  if (draining) reasons.push('shutting down');
  if (storeRequired && !storeReachable) reasons.push('prediction store unreachable');
  return reasons;
}

/** `GET /health`, `/ready`, `/v1/model`, `/metrics` and `/openapi.json`. */
export function registerInfoRoutes(app: FastifyInstance, deps: InfoRouteDeps): void {
  const { model, registry } = deps;
  app.get('/health', { schema: healthRouteSchema }, async () => ({ status: 'ok' }));

  // The model is loaded before the app is built, so readiness only depends on the rest.
  app.get('/ready', { schema: readyRouteSchema }, async (_request, reply) => {
    const reachable = deps.storeRequired ? await deps.sink.isReachable() : true;
    const reasons = notReadyReasons(deps.state.draining, deps.storeRequired, reachable);
    if (reasons.length > 0) return reply.code(503).send({ status: 'not ready', reasons });
    return { status: 'ready' };
  });

  app.get('/v1/model', { schema: modelRouteSchema }, async () => ({
    name: model.name,
    version: model.version,
    kind: model.kind,
    description: model.description,
    sha256: model.sha256,
    variant: deps.variant,
    features: model.features,
    metrics: model.metrics,
  }));

  app.get('/metrics', { schema: metricsRouteSchema }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
