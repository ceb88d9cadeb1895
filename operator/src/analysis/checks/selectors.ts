import type { CheckContext, Variant } from './check.js';

/** Escapes a value for use inside a double-quoted PromQL string. */
export function promString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Version of the model a variant runs in this rollout. */
export function versionOf(ctx: CheckContext, variant: Variant): string {
  return variant === 'candidate' ? ctx.candidateVersion : ctx.masterVersion;
}

/**
 * Label matchers selecting one variant of one ModelDeployment at the version under test, so
 * samples of an older master (before a promotion) or of another ModelDeployment never count.
 * `namespace` and `modeldeployment` are target labels the scrape configuration adds.
 */
export function variantSelector(ctx: CheckContext, variant: Variant): string {
  return [
    `namespace="${promString(ctx.namespace)}"`,
    `modeldeployment="${promString(ctx.name)}"`,
    `variant="${variant}"`,
    `model_version="${promString(versionOf(ctx, variant))}"`,
  ].join(',');
}

/** The analysis window as a PromQL range, e.g. `60s`. */
export function windowOf(ctx: CheckContext): string {
  return `${Math.max(1, Math.round(ctx.intervalSeconds))}s`;
}

/** Route of the model-server's prediction endpoint (`endpoint` label of its request metrics). */
export const PREDICTION_ENDPOINT = '/v1/predictions';

/**
 * `variantSelector` narrowed to prediction requests, so health probes and scrapes neither count
 * as samples nor dilute error rates and latencies.
 */
export function requestSelector(ctx: CheckContext, variant: Variant): string {
  return `${variantSelector(ctx, variant)},endpoint="${PREDICTION_ENDPOINT}"`;
}
