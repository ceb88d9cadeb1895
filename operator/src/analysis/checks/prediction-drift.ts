import type { CheckContext, CheckKind, Variant } from './check.js';
import { driftThreshold, judgeDrift } from './input-drift.js';
import { PREDICTION_HISTOGRAM } from './prediction-shift.js';
import { variantSelector, windowOf } from './selectors.js';

/**
 * PromQL of one variant's cumulative distribution of predictions in the window, one series per
 * bucket bound `le`: the bucket's increase over the count's.
 */
export function predictionCdfQuery(ctx: CheckContext, variant: Variant): string {
  const sel = variantSelector(ctx, variant);
  const w = windowOf(ctx);
  const buckets = `sum by (le) (increase(${PREDICTION_HISTOGRAM}_bucket{${sel}}[${w}]))`;
  return `(${buckets} / on () group_left sum(increase(${PREDICTION_HISTOGRAM}_count{${sel}}[${w}])))`;
}

/** PromQL of one variant's prediction count in the window. */
function predictionCountQuery(ctx: CheckContext, variant: Variant): string {
  return `sum(increase(${PREDICTION_HISTOGRAM}_count{${variantSelector(ctx, variant)}}[${windowOf(ctx)}]))`;
}

/**
 * `predictionDrift`: the two-sample Kolmogorov-Smirnov statistic between the candidate's and the
 * master's predictions in the window, on the histogram's bucket bounds: the largest
 * `|F_candidate(le) - F_master(le)|`. Its samples are the predictions of the thinner side, so a
 * master with a handful of predictions is thin data too. The reason names the bound of the gap.
 */
export const predictionDrift: CheckKind = {
  modes: ['shadow', 'canary'],
  query: (_spec, ctx) =>
    `topk(1, abs(${predictionCdfQuery(ctx, 'candidate')} - ${predictionCdfQuery(ctx, 'master')}))`,
  needsMaster: () => false,
  samplesQuery(_spec, ctx) {
    const candidate = predictionCountQuery(ctx, 'candidate');
    const master = predictionCountQuery(ctx, 'master');
    // The smaller of two label-less values: the candidate's when below the master's, else the master's.
    return `(${candidate} < ${master}) or ${master}`;
  },
  threshold: driftThreshold('KS'),
  evaluate: (spec, candidate, _master, labels) =>
    judgeDrift(spec, candidate, labels?.le ? `largest gap at le=${labels.le}` : undefined),
};
