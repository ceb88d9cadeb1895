import type { CheckSpec } from '../types.js';
import type { CheckContext, CheckKind, Variant } from './check.js';
import { promString, versionOf, windowOf } from './selectors.js';
import { boundsText, judgeBounds } from './thresholds.js';

/** Placeholders a custom query may use. */
export const PLACEHOLDERS = ['namespace', 'name', 'variant', 'version', 'interval'] as const;

/**
 * Replaces `{{namespace}}`, `{{name}}`, `{{variant}}`, `{{version}}` and `{{interval}}`
 * (whitespace inside the braces allowed). Values are escaped for PromQL strings; an unknown
 * placeholder is an error naming it, not a query that silently matches nothing.
 */
export function renderTemplate(template: string, ctx: CheckContext, variant: Variant): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    namespace: promString(ctx.namespace),
    name: promString(ctx.name),
    variant,
    version: promString(versionOf(ctx, variant)),
    interval: windowOf(ctx),
  };
  return template.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_match, key: string) => {
    if (!(key in values)) {
      throw new Error(`query: unknown placeholder {{${key}}} (known: ${PLACEHOLDERS.join(', ')})`);
    }
    return values[key as keyof typeof values];
  });
}

/** A user's PromQL check; the master is queried too when `maxRatioToMaster` is set. */
export const customQuery: CheckKind = {
  modes: ['shadow', 'canary'],
  query: (spec: CheckSpec, ctx, variant) => renderTemplate(spec.query ?? '', ctx, variant),
  needsMaster: (spec) => spec.maxRatioToMaster !== undefined,
  threshold: boundsText,
  evaluate: judgeBounds,
};
