/**
 * The router's HTTP front: `buildRouter()` wires routes to the proxy; `listen()` is the caller's.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { newRequestId } from '../serve/request-id.js';
import type { RouterMetrics } from './metrics.js';
import type { RoutesState } from './routes-state.js';
import type { ShadowMirror } from './shadow.js';
import { VARIANT_HEADER, decideRoute, isRefusal, parseVariantHeader, type Variant } from './split.js';
import { UpstreamError, type UpstreamClient, type UpstreamResponse } from './upstream.js';

/** Header carrying the request id to both variants (pairs rows in the prediction store). */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Response header naming the model version that answered. */
export const VERSION_HEADER = 'x-model-version';

/** Client request headers not forwarded: hop-by-hop, recomputed, or the router's own. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
  'expect',
  VARIANT_HEADER,
  REQUEST_ID_HEADER,
]);

/** Everything the front needs. */
export interface RouterAppOptions {
  routes: RoutesState;
  upstream: UpstreamClient;
  shadow: ShadowMirror;
  metrics: RouterMetrics;
  logger: Logger;
  /** Deadline of a live upstream call (the client waits for it). */
  upstreamTimeoutMs: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** True once shutdown has begun: /ready fails so that endpoints drop the router first. */
  isDraining?: () => boolean;
}

/** Builds the router's fastify app (not listening). */
export function buildRouter(options: RouterAppOptions): FastifyInstance {
  const { routes, upstream, shadow, metrics } = options;
  const app = Fastify({
    // No fastify logger: it would build a child logger per request; the router logs itself.
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // The model-server's own rule: both variants then keep the id the router forwards.
    requestIdHeader: false,
    genReqId: (req) => newRequestId(req),
    requestTimeout: options.upstreamTimeoutMs + 30_000,
    return503OnClosing: true,
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  // Bodies are forwarded byte for byte; the model-server validates them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const answer = (reply: FastifyReply, route: string, status: number, message: string, variant = 'none') => {
    metrics.countRequest(reply.request.method, route, variant, '', status);
    return reply.code(status).send({ error: message });
  };

  const proxy = async (request: FastifyRequest, reply: FastifyReply, route: string, canSplit: boolean) => {
    const requestId = request.id;
    const config = routes.current;
    if (!config) return answer(reply, route, 503, 'no routes config loaded yet');
    const pinned = parseVariantHeader(request.headers[VARIANT_HEADER]);
    if (isRefusal(pinned)) return answer(reply, route, 400, pinned.message);
    const decision = canSplit
      ? decideRoute(config, requestId, pinned)
      : decideRoute({ ...config, canaryWeight: 0, mirrorPercent: 0 }, requestId, pinned);
    if (isRefusal(decision)) return answer(reply, route, 503, decision.message, 'candidate');

    const variant: Variant = decision.variant;
    const target = variant === 'candidate' ? config.candidate! : config.master;
    const headers = forwardedHeaders(request, requestId);
    const body = request.body as Buffer | undefined;
    const started = performance.now();
    const call = upstream.send({
      baseUrl: target.url,
      path: route,
      method: request.method as 'GET' | 'POST',
      headers,
      body,
      timeoutMs: options.upstreamTimeoutMs,
    });
    if (decision.mirror && body) shadow.mirror(config, { path: route, headers, body }, call);

    let response: UpstreamResponse;
    try {
      response = await call;
    } catch (err) {
      const timeout = err instanceof UpstreamError && err.failure === 'timeout';
      options.logger.warn({ variant, requestId, err: (err as Error).message }, 'upstream call failed');
      reply.header(VARIANT_HEADER, variant).header(REQUEST_ID_HEADER, requestId);
      return answer(
        reply,
        route,
        timeout ? 504 : 502,
        `${variant} upstream: ${(err as Error).message}`,
        variant,
      );
    }
    const version = headerValue(response.headers[VERSION_HEADER]) ?? target.version;
    metrics.observeUpstream(variant, target.version, 'live', (performance.now() - started) / 1000);
    metrics.countRequest(request.method, route, variant, version, response.status);
    const contentType = headerValue(response.headers['content-type']);
    if (contentType) reply.header('content-type', contentType);
    return reply
      .code(response.status)
      .header(VARIANT_HEADER, variant)
      .header(VERSION_HEADER, version)
      .header(REQUEST_ID_HEADER, requestId)
      .send(response.body);
  };

  app.post('/v1/predictions', (request, reply) => proxy(request, reply, '/v1/predictions', true));
  app.get('/v1/model', (request, reply) => proxy(request, reply, '/v1/model', false));

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const config = routes.current;
    if (closing || options.isDraining?.())
      return reply.code(503).send({ ready: false, reason: 'shutting down' });
    if (!config) return reply.code(503).send({ ready: false, reason: 'no valid routes config loaded yet' });
    return {
      ready: true,
      master: config.master.version,
      candidate: config.candidate?.version ?? null,
      canaryWeight: config.canaryWeight,
      mirrorPercent: config.mirrorPercent,
    };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}

function forwardedHeaders(request: FastifyRequest, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
  const raw = request.headers;
  for (const name in raw) {
    if (NOT_FORWARDED.has(name)) continue;
    const value = raw[name];
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
