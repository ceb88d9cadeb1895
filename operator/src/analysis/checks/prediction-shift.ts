import type { CheckSpec } from '../types.js';
import type { CheckKind } from './check.js';
import { variantSelector, windowOf } from './selectors.js';

/** Histogram of predicted prices the model-server exports. */
export const PREDICTION_HISTOGRAM = 'house_price_prediction_dollars';

/** |candidate / master - 1|: how far the candidate's mean prediction moved from the master's. */
export function relativeShift(candidate: number, master: number): number {
  if (master === 0) return candidate === 0 ? 0 : Infinity;
  return Math.abs(candidate / master - 1);
}

function shiftBounds(spec: CheckSpec): string {
  const parts: string[] = [];
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  return parts.length > 0 ? `|candidate / master - 1| ${parts.join(', ')}` : 'none';
}

/**
 * `predictionShift`: relative difference of the mean prediction, candidate vs master, in the
 * window. Values reported are the two means; the bounds apply to their relative difference.
 */
export const predictionShift: CheckKind = {
  modes: ['shadow', 'canary'],
  query(_spec, ctx, variant) {
    const sel = variantSelector(ctx, variant);
    const w = windowOf(ctx);
    return `sum(increase(${PREDICTION_HISTOGRAM}_sum{${sel}}[${w}])) / sum(increase(${PREDICTION_HISTOGRAM}_count{${sel}}[${w}]))`;
  },
  needsMaster: () => true,
  threshold: shiftBounds,
  evaluate(spec, candidate, master) {
    if (master === null) return { verdict: 'inconclusive', reason: 'no master value to compare with' };
    if (spec.max === undefined && spec.min === undefined) {
      return { verdict: 'inconclusive', reason: 'no threshold set (max or min)' };
    }
    const shift = relativeShift(candidate, master);
    const rounded = Number(shift.toPrecision(4));
    if (spec.max !== undefined && shift > spec.max) {
      return { verdict: 'fail', reason: `relative shift ${rounded} > max ${spec.max}` };
    }
    if (spec.min !== undefined && shift < spec.min) {
      return { verdict: 'fail', reason: `relative shift ${rounded} < min ${spec.min}` };
    }
    return { verdict: 'pass', reason: `relative shift ${rounded}` };
  },
};
