import type { CheckSpec } from '../types.js';
import type { CheckContext, CheckKind } from './check.js';
import { promString, windowOf } from './selectors.js';
import { judgeBounds } from './thresholds.js';

/**
 * Histogram the router fills in shadow mode: per mirrored request, the relative difference
 * between the candidate's and the master's prediction for the same input.
 */
export const SHADOW_DIFFERENCE_HISTOGRAM = 'router_shadow_relative_difference';

/** Quantile used when the check does not name one. */
export const DEFAULT_SHADOW_QUANTILE = 0.95;

function pairSelector(ctx: CheckContext): string {
  return [
    `namespace="${promString(ctx.namespace)}"`,
    `modeldeployment="${promString(ctx.name)}"`,
    `master_version="${promString(ctx.masterVersion)}"`,
    `candidate_version="${promString(ctx.candidateVersion)}"`,
  ].join(',');
}

function quantileOf(spec: CheckSpec): number {
  return spec.quantile ?? DEFAULT_SHADOW_QUANTILE;
}

/**
 * `shadowDivergence`: a quantile of the paired per-request relative difference (the online form
 * of a differential test). Only meaningful while shadowing; its samples are the pairs observed.
 */
export const shadowDivergence: CheckKind = {
  modes: ['shadow'],
  query(spec, ctx) {
    const bucket = `${SHADOW_DIFFERENCE_HISTOGRAM}_bucket{${pairSelector(ctx)}}`;
    return `histogram_quantile(${quantileOf(spec)}, sum by (le) (rate(${bucket}[${windowOf(ctx)}])))`;
  },
  needsMaster: () => false,
  samplesQuery(_spec, ctx) {
    return `sum(increase(${SHADOW_DIFFERENCE_HISTOGRAM}_count{${pairSelector(ctx)}}[${windowOf(ctx)}]))`;
  },
  threshold(spec) {
    const q = `p${Math.round(quantileOf(spec) * 1000) / 10}`;
    const parts: string[] = [];
    if (spec.max !== undefined) parts.push(`${q} <= ${spec.max}`);
    if (spec.min !== undefined) parts.push(`${q} >= ${spec.min}`);
    return parts.length > 0 ? parts.join(', ') : 'none';
  },
  evaluate: (spec, candidate) => judgeBounds({ max: spec.max, min: spec.min }, candidate, null),
};
