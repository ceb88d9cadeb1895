/**
 * Manual controls a human (or `kubectl modelrollout`) gives a ModelDeployment. Pause/resume is the
 * `spec.paused` field; the one-shot commands are annotations whose value is a request token (any
 * string, e.g. a timestamp). The operator records the last token it acted on in
 * `status.handledControls`, so each request is acted on exactly once, even across restarts.
 */
import { GROUP } from './group.js';
import type { HandledControls, ModelDeployment } from './types.js';

/** Skip the remaining shadow time and canary steps and promote (also: the Manual-mode go-ahead). */
export const PROMOTE_ANNOTATION = `${GROUP}/promote`;
/** Roll the candidate back now; the version is then treated as failed. */
export const ABORT_ANNOTATION = `${GROUP}/abort`;
/** Roll out again a version that failed or was aborted. */
export const RETRY_ANNOTATION = `${GROUP}/retry`;

export type ControlName = keyof HandledControls;

export const CONTROL_ANNOTATIONS: Record<ControlName, string> = {
  promote: PROMOTE_ANNOTATION,
  abort: ABORT_ANNOTATION,
  retry: RETRY_ANNOTATION,
};

/** Control requests not acted on yet: the token of each control whose annotation holds a new one. */
export type PendingControls = Partial<Record<ControlName, string>>;

/** The controls of `md` whose annotation token differs from the last one handled. */
export function pendingControls(md: Pick<ModelDeployment, 'metadata' | 'status'>): PendingControls {
  const annotations = md.metadata.annotations ?? {};
  const handled = md.status?.handledControls ?? {};
  const pending: PendingControls = {};
  for (const control of Object.keys(CONTROL_ANNOTATIONS) as ControlName[]) {
    const token = annotations[CONTROL_ANNOTATIONS[control]];
    if (token !== undefined && token !== '' && token !== handled[control]) pending[control] = token;
  }
  return pending;
}
