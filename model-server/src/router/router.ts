/** Assembles a router: config source → routes state → fastify front, upstream pools, shadow mirror. */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildRouter } from './app.js';
import { RouterMetrics } from './metrics.js';
import { RoutesState } from './routes-state.js';
import { ShadowMirror } from './shadow.js';
import type { RoutesSource } from './source.js';
import { PipelinedUpstreamClient } from './upstream-pipelined.js';
import { createUpstreamClient } from './upstream-undici.js';
import type { UpstreamClient } from './upstream.js';

/** Settings of a router instance. */
export interface RouterOptions {
  /** Value of the `model_name` label on every metric. */
  modelName: string;
  /** Where routes come from; started by `createRouter`. Omit to apply configs by hand. */
  source?: RoutesSource;
  logger: Logger;
  /** Deadline of a live upstream call. */
  upstreamTimeoutMs: number;
  /** Deadline of a mirrored call. */
  mirrorTimeoutMs: number;
  /** Cap on mirrored calls in flight. */
  maxMirrorInFlight: number;
  /** Maximum live connections per upstream. */
  liveConnections?: number;
  /** Maps a configured upstream URL to the origin dialled (host overrides). */
  resolveOrigin?: (baseUrl: string) => string;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** Also export Node process metrics (default true). */
  processMetrics?: boolean;
}

/** A running router (not listening until `app.listen`). */
export interface Router {
  app: FastifyInstance;
  routes: RoutesState;
  metrics: RouterMetrics;
  shadow: ShadowMirror;
  upstream: UpstreamClient;
  /** Makes /ready fail while requests are still served (the start of a graceful shutdown). */
  startDraining(): void;
  /** Stops the config source, drains requests and mirrors, closes upstream pools. */
  close(): Promise<void>;
}

/** Creates a router and starts its config source. */
export function createRouter(options: RouterOptions): Router {
  const { logger } = options;
  let draining = false;
  const metrics = new RouterMetrics(options.modelName, { processMetrics: options.processMetrics });
  const routes = new RoutesState(metrics, logger);
  const upstream = createUpstreamClient({
    resolveOrigin: options.resolveOrigin,
    liveConnections: options.liveConnections,
  });
  const mirrorUpstream = new PipelinedUpstreamClient({ resolveOrigin: options.resolveOrigin });
  const shadow = new ShadowMirror(mirrorUpstream, metrics, logger, {
    maxInFlight: options.maxMirrorInFlight,
    timeoutMs: options.mirrorTimeoutMs,
  });
  const app = buildRouter({
    routes,
    upstream,
    shadow,
    metrics,
    logger,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    bodyLimit: options.bodyLimit,
    isDraining: () => draining,
  });
  const source = options.source;
  source?.start((update) => routes.apply(update, source.name));
  let closed: Promise<void> | undefined;
  const close = async () => {
    await source?.stop();
    await app.close();
    await shadow.drain(options.mirrorTimeoutMs);
    await Promise.all([upstream.close(), mirrorUpstream.close()]);
  };
  return {
    app,
    routes,
    metrics,
    shadow,
    upstream,
    startDraining: () => {
      draining = true;
    },
    close: () => (closed ??= close()),
  };
}
