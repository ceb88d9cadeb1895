import type { CheckContext, CheckKind, Variant } from './check.js';
import { requestSelector, windowOf } from './selectors.js';

/** Counter of HTTP requests the model-server answered (labels model_name, model_version, variant, method, endpoint, status). */
export const REQUEST_COUNT_METRIC = 'http_request_count_total';

/** Requests a variant served in the analysis window: the sample count behind `minSampleCount`. */
export function requestCountQuery(ctx: CheckContext, variant: Variant = 'candidate'): string {
  return `sum(increase(${REQUEST_COUNT_METRIC}{${requestSelector(ctx, variant)}}[${windowOf(ctx)}]))`;
}

/**
 * Stand-in check used when `spec.analysis.checks` is empty: it only asks for enough candidate
 * requests, so an analysis without checks still never passes on thin data.
 */
export const sampleCountCheck: CheckKind = {
  modes: ['shadow', 'canary'],
  query: (_spec, ctx) => requestCountQuery(ctx),
  needsMaster: () => false,
  threshold: () => 'samples >= minSampleCount',
  evaluate: () => ({ verdict: 'pass' }),
};
