/**
 * The manual controls of `kubectl modelrollout` as pure decisions: whether an action makes sense
 * for a ModelDeployment in its current state, and the merge patch that requests it.
 */
import { ABORT_ANNOTATION, PROMOTE_ANNOTATION, RETRY_ANNOTATION } from '../api/controls.js';
import type { ModelDeployment, Phase } from '../api/types.js';

export type Action = 'promote' | 'abort' | 'pause' | 'resume' | 'retry';
export const ACTIONS: Action[] = ['promote', 'abort', 'pause', 'resume', 'retry'];

const IN_PROGRESS: Phase[] = ['Initializing', 'Shadowing', 'Canary', 'Promoting', 'Paused'];

/** Why `action` is impossible for `md` right now, or undefined when it can be requested. */
export function refusal(action: Action, md: ModelDeployment): string | undefined {
  const phase = md.status?.phase ?? 'Idle';
  const name = md.metadata.name;
  const rolling = IN_PROGRESS.includes(phase);
  switch (action) {
    case 'promote':
      if (!rolling) return `nothing to promote: ${name} is ${phase}, no rollout is in progress`;
      if (phase === 'Promoting') return `${name} is already promoting`;
      return undefined;
    case 'abort':
      if (!rolling) return `nothing to abort: ${name} is ${phase}, no rollout is in progress`;
      return undefined;
    case 'pause':
      return md.spec.paused ? `${name} is already paused` : undefined;
    case 'resume':
      return md.spec.paused ? undefined : `${name} is not paused`;
    case 'retry':
      if (phase !== 'Failed' || !md.status?.failedVersion) {
        return `nothing to retry: ${name} is ${phase}; retry applies to a rollout that failed`;
      }
      return undefined;
  }
}

/** The JSON merge patch that requests `action`; `token` makes each one-shot request distinct. */
export function patchFor(action: Action, token: string): Record<string, unknown> {
  switch (action) {
    case 'pause':
      return { spec: { paused: true } };
    case 'resume':
      return { spec: { paused: false } };
    case 'promote':
      return { metadata: { annotations: { [PROMOTE_ANNOTATION]: token } } };
    case 'abort':
      return { metadata: { annotations: { [ABORT_ANNOTATION]: token } } };
    case 'retry':
      return { metadata: { annotations: { [RETRY_ANNOTATION]: token } } };
  }
}
