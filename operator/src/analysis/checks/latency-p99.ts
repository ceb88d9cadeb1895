import type { CheckKind } from './check.js';
import { requestSelector, windowOf } from './selectors.js';
import { boundsText, judgeBounds } from './thresholds.js';

/** Histogram of request latency the model-server exports. */
export const LATENCY_HISTOGRAM = 'http_request_latency_seconds';

/**
 * `latencyP99`: 99th percentile of request latency in seconds, candidate against master over the
 * same window (`maxRatioToMaster`) and/or an absolute `max`. Master is always queried so the
 * status shows both sides.
 */
export const latencyP99: CheckKind = {
  modes: ['shadow', 'canary'],
  query(_spec, ctx, variant) {
    const sel = requestSelector(ctx, variant);
    return `histogram_quantile(0.99, sum by (le) (rate(${LATENCY_HISTOGRAM}_bucket{${sel}}[${windowOf(ctx)}])))`;
  },
  needsMaster: () => true,
  threshold: boundsText,
  evaluate: judgeBounds,
};
