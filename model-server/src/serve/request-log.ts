import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServeMetrics } from '../metrics/serve-metrics.js';

/** Fields a route or the error handler adds to the request's log line. */
export interface RequestNotes {
  inputs?: unknown;
  outputs?: unknown;
  records?: number;
  error?: string;
}

const notes = new WeakMap<FastifyRequest, RequestNotes>();

/** Adds fields to the one log line written when the request's response has been sent. */
export function noteRequest(request: FastifyRequest, fields: RequestNotes): void {
  const current = notes.get(request);
  notes.set(request, current === undefined ? fields : { ...current, ...fields });
}

/**
 * After each response: count it and its latency, and write one JSON log line (request id, model
 * labels from the logger's bindings, status, latency, and for predictions the inputs and outputs).
 * Probes and metrics scrapes log at debug level only.
 */
export function registerRequestLog(app: FastifyInstance, metrics: ServeMetrics, logInputs: boolean): void {
  app.addHook('onResponse', (request, reply, done) => {
    const endpoint = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const latencyMs = reply.elapsedTime;
    metrics.observeRequest(request.method, endpoint, status, latencyMs / 1000);
    const extra = notes.get(request);
    const line: Record<string, unknown> = {
      method: request.method,
      endpoint,
      status,
      latency_ms: Math.round(latencyMs * 1000) / 1000,
    };
    if (extra === undefined) {
      if (status >= 400) request.log.info(line, 'request rejected');
      else request.log.debug(line, 'request');
    } else {
      if (extra.records !== undefined) line.records = extra.records;
      if (logInputs && extra.inputs !== undefined) line.inputs = extra.inputs;
      if (extra.outputs !== undefined) line.outputs = extra.outputs;
      if (extra.error !== undefined) line.error = extra.error;
      request.log.info(line, extra.outputs === undefined ? 'request rejected' : 'prediction');
    }
    done();
  });
}
