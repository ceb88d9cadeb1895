import type { CheckSpec } from '../types.js';
import type { CheckContext, CheckKind, ValueVerdict, Variant } from './check.js';
import { variantSelector, windowOf } from './selectors.js';
import { judgeBounds } from './thresholds.js';

/** Counter of the records a model-server received, by profiled feature and training-profile bin. */
export const INPUT_RECORDS_METRIC = 'house_price_input_records_total';

/** Gauge of the training share of each bin of each profiled feature (labels feature, bin). */
export const TRAINING_BIN_RATIO_METRIC = 'house_price_training_bin_ratio';

/**
 * Smallest share a bin counts with, live or training, so that an empty bin gives a large but
 * finite PSI term (the same floor as the drift report's PSI).
 */
export const PSI_SHARE_FLOOR = 1e-4;

/**
 * PromQL of the population stability index of every profiled feature of one variant: live bin
 * shares `a` in the window against the training shares `e` of the variant's own artifact, both
 * floored at `PSI_SHARE_FLOOR`, summed as `(a - e) × ln(a / e)` over the bins. One series per
 * feature (label `feature`); a window without records gives NaN, i.e. no data.
 */
export function psiByFeatureQuery(ctx: CheckContext, variant: Variant): string {
  const sel = variantSelector(ctx, variant);
  const w = windowOf(ctx);
  const live = `sum by (feature, bin) (increase(${INPUT_RECORDS_METRIC}{${sel}}[${w}]))`;
  const records = `sum by (feature) (increase(${INPUT_RECORDS_METRIC}{${sel}}[${w}]))`;
  const actual = `clamp_min(${live} / on (feature) group_left ${records}, ${PSI_SHARE_FLOOR})`;
  // Every replica exports the same training shares: max keeps one of them.
  const expected = `clamp_min(max by (feature, bin) (${TRAINING_BIN_RATIO_METRIC}{${sel}}), ${PSI_SHARE_FLOOR})`;
  return `sum by (feature) ((${actual} - ${expected}) * ln(${actual} / ${expected}))`;
}

function driftBounds(statistic: string, spec: CheckSpec): string {
  const parts: string[] = [];
  if (spec.max !== undefined) parts.push(`${statistic} <= ${spec.max}`);
  if (spec.min !== undefined) parts.push(`${statistic} >= ${spec.min}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** `max`/`min` of `spec` applied to a drift statistic, with `where` (e.g. the worst feature) added to the reason. */
export function judgeDrift(spec: CheckSpec, value: number, where: string | undefined): ValueVerdict {
  const judged = judgeBounds({ max: spec.max, min: spec.min }, value, null);
  if (where === undefined || judged.verdict === 'inconclusive') return judged;
  return { ...judged, reason: judged.reason ? `${judged.reason} (${where})` : where };
}

/** Threshold text of a drift check, e.g. `PSI <= 0.2`. */
export function driftThreshold(statistic: string): (spec: CheckSpec) => string {
  return (spec) => driftBounds(statistic, spec);
}

/**
 * `inputDrift`: the largest PSI over the profiled features between the candidate's live inputs in
 * the window and its artifact's training profile. The value is the worst feature's PSI, and the
 * reason names that feature. Candidate only: the master may run an artifact without a profile.
 */
export const inputDrift: CheckKind = {
  modes: ['shadow', 'canary'],
  query: (_spec, ctx, variant) => `topk(1, ${psiByFeatureQuery(ctx, variant)})`,
  needsMaster: () => false,
  threshold: driftThreshold('PSI'),
  evaluate: (spec, candidate, _master, labels) =>
    judgeDrift(spec, candidate, labels?.feature ? `worst feature ${labels.feature}` : undefined),
};
