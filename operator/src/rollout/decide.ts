/**
 * The rollout state machine: one pure function from what was read and observed to what the
 * cluster should look like next. Phases: Idle → Initializing → Shadowing → Canary steps →
 * Promoting → Succeeded, or → RollingBack → Failed; Paused freezes any of the first ones.
 */
import { variantOf } from '../api/model.js';
import { wakeForAnalysis } from './analysis.js';
import type { Phase } from '../api/types.js';
import { applyConditions } from './conditions.js';
import { desiredModels, desiredTraffic } from './desired.js';
import { Draft } from './draft.js';
import { applyInterrupts } from './interrupts.js';
import { applyPause } from './pause.js';
import { canary } from './phases/canary.js';
import { initializing } from './phases/initializing.js';
import { promoting } from './phases/promoting.js';
import { rollingBack } from './phases/rolling-back.js';
import { shadowing } from './phases/shadowing.js';
import { steady } from './phases/steady.js';
import type { RolloutDecision, RolloutInput } from './types.js';

const HANDLERS: Record<Phase, (d: Draft) => void> = {
  Idle: steady,
  Succeeded: steady,
  Failed: steady,
  Initializing: initializing,
  Shadowing: shadowing,
  Canary: canary,
  Promoting: promoting,
  RollingBack: rollingBack,
  Paused: () => undefined,
};

/** First deployment: there is no master to compare with, so master takes spec.model directly. */
function deployFirstMaster(d: Draft): void {
  d.status.master = variantOf(d.spec.model);
  d.enter('Idle', `Deploying ${d.spec.model.version} as master`);
  d.emit('Normal', 'MasterDeployed', `Deploying ${d.spec.model.version} as master (first deployment)`);
}

/** Copies what was observed of the Deployments into the status. */
function recordReadiness(d: Draft): void {
  const { master, candidate } = d.status;
  const sizing = d.spec.model.replicas;
  if (master) Object.assign(master, { replicas: sizing, readyReplicas: d.input.master.readyReplicas });
  if (candidate) {
    const seen = d.input.candidate;
    const readyReplicas = seen.fingerprint === candidate.fingerprint ? seen.readyReplicas : 0;
    Object.assign(candidate, { replicas: sizing, readyReplicas });
  }
}

/** Decides the next status, children, traffic and events. Pure: same input, same output. */
export function decide(input: RolloutInput): RolloutDecision {
  const d = new Draft(input);
  if (!d.status.master) {
    deployFirstMaster(d);
  } else {
    applyInterrupts(d);
    applyPause(d);
    HANDLERS[d.phase](d);
  }
  // Whatever the handler did, a Shadowing or Canary rollout must come back for its next analysis.
  if (!d.spec.paused) wakeForAnalysis(d);
  recordReadiness(d);
  const traffic = desiredTraffic(d);
  d.status.canaryWeight = traffic.canaryWeight;
  d.status.mirrorPercent = traffic.mirrorPercent;
  d.status.observedGeneration = input.generation;
  applyConditions(d);
  const { master, candidate } = desiredModels(d);
  return {
    status: d.status,
    master,
    candidate,
    traffic,
    events: d.events,
    requeueAfterMs: d.requeueAfterMs(),
  };
}
