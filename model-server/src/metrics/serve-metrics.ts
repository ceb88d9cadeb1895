import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { FeatureBins } from '../model/profile-bins.js';
import { registerInputMetrics } from './input-metrics.js';

/** Labels every serve metric carries; the operator selects by `variant` and `model_version`. */
export interface ModelLabels {
  model_name: string;
  model_version: string;
  variant: string;
}

/** Buckets for sale prices in dollars (the Ames data ranges from about 35k to 755k). */
export const PRICE_BUCKETS = [
  25_000, 50_000, 75_000, 100_000, 125_000, 150_000, 175_000, 200_000, 225_000, 250_000, 300_000, 350_000,
  400_000, 500_000, 600_000, 800_000,
];

/** Request latency buckets in seconds, fine-grained below 10 ms where this server lives. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const DEFAULT_METRICS_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** The one promtool finding accepted on purpose: the course's name for the last-prediction gauge. */
export const ACCEPTED_PROMTOOL_FINDINGS = [
  "house_price_gauge_dollars metric name should not include type 'gauge'",
];

type RequestLabel = 'method' | 'endpoint' | 'status' | keyof ModelLabels;
type ModelLabel = keyof ModelLabels;

/** The serve mode's Prometheus metrics (names kept from the course's Flask API). */
export interface ServeMetrics {
  readonly registry: Registry;
  readonly labels: ModelLabels;
  /** Counts one answered HTTP request and its latency. `status` is the HTTP code. */
  observeRequest(method: string, endpoint: string, status: number, seconds: number): void;
  /** Records the predicted prices of one request (nulls are skipped). */
  observePredictions(predictions: readonly (number | null)[]): void;
  /** Counts the records of one request in the bins of their training profile (see input-metrics.ts). */
  observeInputs(records: readonly Record<string, unknown>[]): void;
}

/**
 * Registers the serve metrics in `registry` (one registry per app, so tests can build several).
 * Default process metrics are added when `defaultMetrics` is true. `inputBins` (the model's
 * training-profile bins, see `inputBinsOf`) are the live input distributions exported; none
 * leaves the input metrics without series.
 */
export function createServeMetrics(
  registry: Registry,
  labels: ModelLabels,
  defaultMetrics = true,
  inputBins: readonly FeatureBins[] = [],
): ServeMetrics {
  const modelLabelNames: ModelLabel[] = ['model_name', 'model_version', 'variant'];
  const requestLabelNames: RequestLabel[] = [...modelLabelNames, 'method', 'endpoint', 'status'];
  const requests = new Counter<RequestLabel>({
    name: 'http_request_count_total',
    help: 'HTTP requests answered, by endpoint and status code.',
    labelNames: requestLabelNames,
    registers: [registry],
  });
  const latency = new Histogram<RequestLabel>({
    name: 'http_request_latency_seconds',
    help: 'Time from request received to response sent, in seconds.',
    labelNames: requestLabelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const predictions = new Histogram<ModelLabel>({
    name: 'house_price_prediction_dollars',
    help: 'Predicted house sale prices, in dollars.',
    labelNames: modelLabelNames,
    buckets: PRICE_BUCKETS,
    registers: [registry],
  });
  // promtool objects to the word "gauge" in this name; it is kept because the course's dashboards use it.
  const lastPrediction = new Gauge<ModelLabel>({
    name: 'house_price_gauge_dollars',
    help: 'The most recent predicted house sale price, in dollars.',
    labelNames: modelLabelNames,
    registers: [registry],
  });
  const details = new Gauge<ModelLabel>({
    name: 'model_version_details_info',
    help: 'The model this server runs (always 1).',
    labelNames: modelLabelNames,
    registers: [registry],
  });
  details.set(labels, 1);
  // The series the operator's checks divide by exist from the start at zero, so increase() sees
  // the first errors too (a series that appears at 1 would not count them).
  for (const status of ['200', '500']) {
    requests.labels({ ...labels, method: 'POST', endpoint: '/v1/predictions', status }).inc(0);
  }
  // Likewise every prediction bucket, so a window's distribution (predictionDrift) starts at zero.
  predictions.zero(labels);
  const inputs = registerInputMetrics(registry, labels, inputBins);
  if (defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total (promtool: "non-counter metrics should not have _total suffix"); the
    // same figures remain as nodejs_active_handles{type} etc., whose sum they are.
    for (const name of DEFAULT_METRICS_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  }

  const predictionChild = predictions.labels(labels);
  const lastPredictionChild = lastPrediction.labels(labels);
  const requestChildren = new Map<
    string,
    { count: Counter.Internal; latency: Histogram.Internal<RequestLabel> }
  >();

  return {
    registry,
    labels,
    observeRequest(method, endpoint, status, seconds) {
      const key = `${method} ${endpoint} ${status}`;
      let children = requestChildren.get(key);
      if (children === undefined) {
        const requestLabels = { ...labels, method, endpoint, status: String(status) };
        children = { count: requests.labels(requestLabels), latency: latency.labels(requestLabels) };
        requestChildren.set(key, children);
      }
      children.count.inc();
      children.latency.observe(seconds);
    },
    observePredictions(values) {
      let last: number | undefined;
      for (const value of values) {
        if (value === null || !Number.isFinite(value)) continue;
        predictionChild.observe(value);
        last = value;
      }
      if (last !== undefined) lastPredictionChild.set(last);
    },
    observeInputs: (records) => inputs.observeRecords(records),
  };
}
