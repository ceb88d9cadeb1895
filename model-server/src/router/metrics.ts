/**
 * The router's Prometheus metrics, in a registry of its own. Label names follow the
 * model-server's (`model_name`, `variant`, `model_version`, `status` as a string code).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoutesConfig } from './routes-config.js';

/** Buckets for relative differences: fine around the default tolerance (0.05) and common thresholds. */
export const RELATIVE_DIFFERENCE_BUCKETS = [
  0.0001, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5,
];

/** Upstream latency buckets in seconds (sub-millisecond floor: upstreams are usually local). */
export const UPSTREAM_LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const MAX_CACHED_CHILDREN = 1_000;

/** Reasons a mirrored request yields no comparison because of the candidate. */
export type ShadowErrorReason = 'timeout' | 'status' | 'connect' | 'invalid';

/** The shadow metrics of one master/candidate version pair, bound to their labels. */
export interface ShadowPairMetrics {
  difference: { observe(value: number): void };
  compared: { inc(value: number): void };
  mismatched: { inc(value: number): void };
  skipped: { inc(): void };
  error(reason: ShadowErrorReason): void;
}

/** Every metric the router exports, registered in `registry`. */
export class RouterMetrics {
  readonly registry = new Registry();

  /** Client requests by the variant that answered (`none` when the router answered itself). */
  readonly requests = new Counter({
    name: 'router_requests_total',
    help: 'Client requests handled by the router, by answering variant and status code',
    labelNames: ['model_name', 'model_version', 'variant', 'method', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });

  /** Time from sending a request upstream to having its whole answer. */
  readonly upstreamLatency = new Histogram({
    name: 'router_upstream_latency_seconds',
    help: 'Latency of upstream calls by variant; traffic is live (client waits) or mirror',
    labelNames: ['model_name', 'variant', 'model_version', 'traffic'] as const,
    buckets: UPSTREAM_LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly mirrorInFlight = new Gauge({
    name: 'router_mirror_in_flight',
    help: 'Mirrored requests sent to the candidate and not yet answered',
    labelNames: ['model_name'] as const,
    registers: [this.registry],
  });

  readonly mirrorsSent = new Counter({
    name: 'router_mirrored_requests_total',
    help: 'Copies of requests sent to the candidate',
    labelNames: ['model_name'] as const,
    registers: [this.registry],
  });

  readonly mirrorsDropped = new Counter({
    name: 'router_mirrors_dropped_total',
    help: 'Requests that should have been mirrored but were not, because the in-flight cap was reached',
    labelNames: ['model_name', 'reason'] as const,
    registers: [this.registry],
  });

  readonly shadowRelativeDifference = new Histogram({
    name: 'router_shadow_relative_difference',
    help: 'Per-record relative difference |candidate - master| / |master| of mirrored predictions',
    labelNames: ['model_name', 'master_version', 'candidate_version'] as const,
    buckets: RELATIVE_DIFFERENCE_BUCKETS,
    registers: [this.registry],
  });

  readonly shadowComparedRecords = new Counter({
    name: 'router_shadow_compared_records_total',
    help: 'Mirrored records compared (at least one variant predicted)',
    labelNames: ['model_name', 'master_version', 'candidate_version'] as const,
    registers: [this.registry],
  });

  readonly shadowMismatchedRecords = new Counter({
    name: 'router_shadow_mismatched_records_total',
    help: 'Mirrored records whose relative difference exceeds the tolerance or is undefined',
    labelNames: ['model_name', 'master_version', 'candidate_version'] as const,
    registers: [this.registry],
  });

  readonly shadowErrors = new Counter({
    name: 'router_shadow_errors_total',
    help: 'Mirrored requests the candidate failed: timeout, status (non-2xx), connect, invalid answer',
    labelNames: ['model_name', 'master_version', 'candidate_version', 'reason'] as const,
    registers: [this.registry],
  });

  readonly shadowSkipped = new Counter({
    name: 'router_shadow_skipped_total',
    help: 'Mirrored requests not compared because master did not answer with a usable 2xx',
    labelNames: ['model_name', 'master_version', 'candidate_version'] as const,
    registers: [this.registry],
  });

  readonly configReloads = new Counter({
    name: 'router_config_reloads_total',
    help: 'Valid routes configs applied',
    labelNames: ['model_name', 'source'] as const,
    registers: [this.registry],
  });

  readonly configErrors = new Counter({
    name: 'router_config_errors_total',
    help: 'Routes configs refused (reason invalid or missing) and config source failures (reason source)',
    labelNames: ['model_name', 'source', 'reason'] as const,
    registers: [this.registry],
  });

  readonly canaryWeight = new Gauge({
    name: 'router_canary_weight_percent',
    help: 'Percent of requests currently sent to the candidate',
    labelNames: ['model_name'] as const,
    registers: [this.registry],
  });

  readonly mirrorPercent = new Gauge({
    name: 'router_mirror_percent',
    help: 'Percent of master-answered requests currently mirrored to the candidate',
    labelNames: ['model_name'] as const,
    registers: [this.registry],
  });

  readonly configInfo = new Gauge({
    name: 'router_config_info',
    help: 'The applied routes config (value 1): versions of master and candidate',
    labelNames: ['model_name', 'master_version', 'candidate_version'] as const,
    registers: [this.registry],
  });

  // Label lookups hash an object per call; the hot path reuses children per label combination.
  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly latencyChildren = new Map<string, { observe(value: number): void }>();
  private readonly shadowPairs = new Map<string, ShadowPairMetrics>();

  constructor(
    readonly modelName: string,
    options: { processMetrics?: boolean } = {},
  ) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.mirrorInFlight.set({ model_name: modelName }, 0);
  }

  /** Counts one client request. */
  countRequest(
    method: string,
    endpoint: string,
    variant: string,
    modelVersion: string,
    status: number,
  ): void {
    const key = `${method}\u0000${endpoint}\u0000${variant}\u0000${modelVersion}\u0000${status}`;
    let child = this.requestChildren.get(key);
    if (!child) {
      if (this.requestChildren.size >= MAX_CACHED_CHILDREN) this.requestChildren.clear();
      child = this.requests.labels({
        model_name: this.modelName,
        model_version: modelVersion,
        variant,
        method,
        endpoint,
        status: String(status),
      });
      this.requestChildren.set(key, child);
    }
    child.inc();
  }

  /** Records the latency of one upstream call. */
  observeUpstream(variant: string, modelVersion: string, traffic: string, seconds: number): void {
    const key = `${variant}\u0000${modelVersion}\u0000${traffic}`;
    let child = this.latencyChildren.get(key);
    if (!child) {
      if (this.latencyChildren.size >= MAX_CACHED_CHILDREN) this.latencyChildren.clear();
      child = this.upstreamLatency.labels({
        model_name: this.modelName,
        variant,
        model_version: modelVersion,
        traffic,
      });
      this.latencyChildren.set(key, child);
    }
    child.observe(seconds);
  }

  /** The shadow metrics for a version pair (created once, then reused). */
  shadowPair(masterVersion: string, candidateVersion: string): ShadowPairMetrics {
    const key = `${masterVersion}\u0000${candidateVersion}`;
    let pair = this.shadowPairs.get(key);
    if (!pair) {
      if (this.shadowPairs.size >= MAX_CACHED_CHILDREN) this.shadowPairs.clear();
      const labels = {
        model_name: this.modelName,
        master_version: masterVersion,
        candidate_version: candidateVersion,
      };
      pair = {
        difference: this.shadowRelativeDifference.labels(labels),
        compared: this.shadowComparedRecords.labels(labels),
        mismatched: this.shadowMismatchedRecords.labels(labels),
        skipped: this.shadowSkipped.labels(labels),
        error: (reason) => this.shadowErrors.inc({ ...labels, reason }),
      };
      this.shadowPairs.set(key, pair);
    }
    return pair;
  }

  /** Reflects a newly applied config in the weight, mirror and info gauges. */
  configApplied(config: RoutesConfig): void {
    const model_name = this.modelName;
    this.canaryWeight.set({ model_name }, config.canaryWeight);
    this.mirrorPercent.set({ model_name }, config.mirrorPercent);
    this.configInfo.reset();
    this.configInfo.set(
      {
        model_name,
        master_version: config.master.version,
        candidate_version: config.candidate?.version ?? '',
      },
      1,
    );
  }
}
