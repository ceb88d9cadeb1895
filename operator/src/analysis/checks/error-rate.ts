import type { CheckKind } from './check.js';
import { REQUEST_COUNT_METRIC } from './request-count.js';
import { requestSelector, windowOf } from './selectors.js';
import { boundsText, judgeBounds } from './thresholds.js';

/**
 * `errorRate`: share of 5xx answers among a variant's requests in the window. The 5xx sum falls
 * back to 0 so that "no errors at all" (no 5xx series yet) is a value, not missing data.
 */
export const errorRate: CheckKind = {
  modes: ['shadow', 'canary'],
  query(_spec, ctx, variant) {
    const sel = requestSelector(ctx, variant);
    const w = windowOf(ctx);
    const errors = `sum(increase(${REQUEST_COUNT_METRIC}{${sel},status=~"5.."}[${w}]))`;
    const all = `sum(increase(${REQUEST_COUNT_METRIC}{${sel}}[${w}]))`;
    return `(${errors} or vector(0)) / ${all}`;
  },
  needsMaster: (spec) => spec.maxRatioToMaster !== undefined,
  threshold: boundsText,
  evaluate: judgeBounds,
};
