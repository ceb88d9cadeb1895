/** Kubernetes Events on the ModelDeployment: one per transition, as `kubectl describe` shows them. */
import { randomBytes } from 'node:crypto';
import { EVENT_SOURCE } from '../api/group.js';
import type { ModelDeployment } from '../api/types.js';
import type { RolloutEvent } from '../rollout/types.js';
import type { KubeAccess } from './kube.js';

/** Records Events about ModelDeployments. */
export interface EventRecorder {
  /** Records `event` against `md`; failures are the recorder's to report, never the caller's. */
  record(md: ModelDeployment, event: RolloutEvent): Promise<void>;
}

/** Where a recorder reports what it could not record. */
export type EventFailureLog = (message: string, err: unknown) => void;

/** Writes core/v1 Events through KubeAccess. */
export class KubeEventRecorder implements EventRecorder {
  /** Orders the names of Events recorded in the same millisecond. */
  private sequence = 0;

  constructor(
    private readonly kube: KubeAccess,
    private readonly clock: { now(): number },
    private readonly onFailure: EventFailureLog = () => undefined,
  ) {}

  private eventName(name: string, now: Date): string {
    const sequence = (this.sequence++ % 0x10000).toString(16).padStart(4, '0');
    return `${name}.${now.getTime().toString(16)}${sequence}${randomBytes(2).toString('hex')}`;
  }

  async record(md: ModelDeployment, event: RolloutEvent): Promise<void> {
    const { name, namespace, uid, resourceVersion } = md.metadata;
    const now = new Date(this.clock.now());
    try {
      await this.kube.createEvent({
        metadata: { name: this.eventName(name, now), namespace },
        involvedObject: { apiVersion: md.apiVersion, kind: md.kind, name, namespace, uid, resourceVersion },
        type: event.type,
        reason: event.reason,
        message: event.message.slice(0, 1024),
        source: { component: EVENT_SOURCE },
        reportingComponent: EVENT_SOURCE,
        reportingInstance: EVENT_SOURCE,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch (err) {
      this.onFailure(`Event ${event.reason} on ${namespace}/${name} not recorded`, err);
    }
  }
}
