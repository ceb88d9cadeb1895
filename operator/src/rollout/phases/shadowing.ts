/** Shadowing: requests are mirrored to the candidate and analysed for spec.strategy.shadow.duration. */
import { absorbAnalysis, passedSince } from '../analysis.js';
import { markHandled } from '../controls.js';
import type { Draft } from '../draft.js';
import { awaitPromotion, enterCanaryStep, startPromotion } from '../transitions.js';

export function shadowing(d: Draft): void {
  if (d.input.controls.promote !== undefined) {
    markHandled(d, 'promote');
    startPromotion(d, 'promote requested');
    return;
  }
  if (absorbAnalysis(d, d.input.analysis)) return;
  const shadow = d.spec.shadow;
  const started = d.status.phaseStartedAt;
  // A shadow stage removed from the spec mid-way counts as done.
  const durationMs = shadow?.durationMs ?? 0;
  const elapsed = d.since(started) >= durationMs;
  if (elapsed && passedSince(d, started)) {
    if (d.spec.canary) enterCanaryStep(d, 0);
    else if (d.spec.promotion === 'Automatic') startPromotion(d, 'shadow analysis passed');
    else awaitPromotion(d, 'Shadow analysis');
    return;
  }
  if (!elapsed) d.wakeAt(Date.parse(started!) + durationMs);
}
