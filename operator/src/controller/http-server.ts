import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** What the operator's HTTP endpoints report on. */
export interface OperatorHttpOptions {
  /** Serves `/metrics` from this registry when given. */
  registry?: Registry;
  /** Serves `/healthz` and `/readyz` when given. */
  probes?: {
    /** Liveness: the process works (event loop turning, not shutting down for good). */
    healthy: () => boolean;
    /** Readiness: informers synced (and, with leader election, leading or a warm standby). */
    ready: () => boolean;
  };
}

/** Builds (does not listen) the HTTP app with `/metrics`, `/healthz`, `/readyz`. */
export function buildOperatorHttp(options: OperatorHttpOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const { registry, probes } = options;
  if (registry) {
    app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  }
  if (probes) {
    app.get('/healthz', async (_req, reply) =>
      reply.code(probes.healthy() ? 200 : 503).send(probes.healthy() ? 'ok' : 'unhealthy'),
    );
    app.get('/readyz', async (_req, reply) =>
      reply.code(probes.ready() ? 200 : 503).send(probes.ready() ? 'ok' : 'not ready'),
    );
  }
  return app;
}
