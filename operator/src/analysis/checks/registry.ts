import type { BuiltinCheck, CheckSpec } from '../types.js';
import type { CheckKind } from './check.js';
import { customQuery } from './custom-query.js';
import { errorRate } from './error-rate.js';
import { inputDrift } from './input-drift.js';
import { latencyP99 } from './latency-p99.js';
import { predictionDrift } from './prediction-drift.js';
import { predictionShift } from './prediction-shift.js';
import { shadowDivergence } from './shadow-divergence.js';

const BUILTINS: Record<BuiltinCheck, CheckKind> = {
  errorRate,
  latencyP99,
  predictionShift,
  shadowDivergence,
  inputDrift,
  predictionDrift,
};

/** The kind of check `spec` describes; throws naming the field when it is neither builtin nor query. */
export function checkKindOf(spec: CheckSpec): CheckKind {
  if (spec.builtin !== undefined) {
    const kind = BUILTINS[spec.builtin];
    if (!kind)
      throw new Error(
        `builtin: unknown check "${spec.builtin}" (known: ${Object.keys(BUILTINS).join(', ')})`,
      );
    return kind;
  }
  if (spec.query) return customQuery;
  throw new Error('a check needs either builtin or query');
}

/** Name a check is shown under: its `name`, else its builtin's name. */
export function checkNameOf(spec: CheckSpec, index: number): string {
  return spec.name ?? spec.builtin ?? `check-${index}`;
}
