import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';

/** What a model-server endpoint adds to its metrics at every scrape (so rates are known exactly). */
export interface ServeTraffic {
  variant: 'master' | 'candidate';
  version: string;
  /** Prediction requests answered per scrape, of which `errors` with status 500. */
  requests: number;
  errors: number;
  latencySeconds: number;
  prediction: number;
}

/** What a router endpoint adds per scrape to its shadow pair histogram. */
export interface RouterTraffic {
  masterVersion: string;
  candidateVersion: string;
  pairs: number;
  relativeDifference: number;
}

/** A real HTTP server exposing metrics named like the model-server's or router's. */
export interface MetricEndpoint {
  address: string;
  close(): Promise<void>;
}

async function serve(registry: Registry, onScrape: () => void): Promise<MetricEndpoint> {
  const server = http.createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    onScrape();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Serves `http_request_count_total`, `http_request_latency_seconds`, `house_price_prediction_dollars`. */
export function serveModelMetrics(t: ServeTraffic): Promise<MetricEndpoint> {
  const registry = new Registry();
  const labelNames = ['model_name', 'model_version', 'variant', 'method', 'endpoint', 'status'];
  const requests = new Counter({
    name: 'http_request_count_total',
    help: 'h',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_latency_seconds',
    help: 'h',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const predictions = new Histogram({
    name: 'house_price_prediction_dollars',
    help: 'h',
    labelNames: ['model_name', 'model_version', 'variant'],
    buckets: [100_000, 200_000, 300_000],
    registers: [registry],
  });
  const model = { model_name: 'house-price', model_version: t.version, variant: t.variant };
  const ok = { ...model, method: 'POST', endpoint: '/v1/predictions', status: '200' };
  const failed = { ...ok, status: '500' };
  const probe = { ...model, method: 'GET', endpoint: '/ready', status: '503' };
  requests.inc(ok, 0);
  return serve(registry, () => {
    requests.inc(ok, t.requests - t.errors);
    if (t.errors > 0) requests.inc(failed, t.errors);
    requests.inc(probe, 50); // probes must neither count as samples nor as errors
    for (let i = 0; i < t.requests; i++) {
      latency.observe(i < t.errors ? failed : ok, t.latencySeconds);
      predictions.observe(model, t.prediction);
    }
  });
}

/** Serves `router_shadow_relative_difference` with the router's labels. */
export function serveRouterMetrics(t: RouterTraffic): Promise<MetricEndpoint> {
  const registry = new Registry();
  const diff = new Histogram({
    name: 'router_shadow_relative_difference',
    help: 'h',
    labelNames: ['model_name', 'master_version', 'candidate_version'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const labels = {
    model_name: 'house-price',
    master_version: t.masterVersion,
    candidate_version: t.candidateVersion,
  };
  return serve(registry, () => {
    for (let i = 0; i < t.pairs; i++) diff.observe(labels, t.relativeDifference);
  });
}
