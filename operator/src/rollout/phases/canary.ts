/** Canary: the candidate answers steps[currentStep] percent of requests; each step is analysed. */
import { absorbAnalysis, passedSince } from '../analysis.js';
import { markHandled } from '../controls.js';
import type { Draft } from '../draft.js';
import { awaitPromotion, enterCanaryStep, startPromotion } from '../transitions.js';

export function canary(d: Draft): void {
  if (d.input.controls.promote !== undefined) {
    markHandled(d, 'promote');
    startPromotion(d, 'promote requested');
    return;
  }
  if (absorbAnalysis(d, d.input.analysis)) return;
  const steps = d.spec.canary?.steps ?? [];
  const step = d.status.currentStep ?? 0;
  const started = d.status.stepStartedAt;
  const durationMs = d.spec.canary?.stepDurationMs ?? 0;
  const elapsed = d.since(started) >= durationMs;
  // Never advance on an inconclusive or failed window: only a pass within this step counts.
  if (elapsed && passedSince(d, started)) {
    if (step + 1 < steps.length) enterCanaryStep(d, step + 1);
    else if (d.spec.promotion === 'Automatic') startPromotion(d, `all ${steps.length} canary steps passed`);
    else awaitPromotion(d, 'Canary analysis');
    return;
  }
  if (!elapsed && started) d.wakeAt(Date.parse(started) + durationMs);
}
