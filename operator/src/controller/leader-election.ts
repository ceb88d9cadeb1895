import { V1MicroTime, type CoordinationV1Api, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import type { Logger } from 'pino';

/** Settings of a leader elector (defaults as Argo Rollouts: 15 s / 10 s / 2 s). */
export interface LeaderElectionOptions {
  leaseName: string;
  leaseNamespace: string;
  /** Unique per replica, e.g. the pod name plus a random suffix. */
  identity: string;
  leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down. */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  logger: Logger;
}

const isCode = (err: unknown, code: number) => (err as { code?: number })?.code === code;

/**
 * Leader election through a `coordination.k8s.io/v1` Lease, following client-go: a candidate
 * takes the lease when it is free, released, or not renewed for a lease duration as observed on
 * its own clock (no comparison of clocks across machines); the leader renews every retry period
 * and steps down when it cannot renew within the renew deadline. Updates use the lease's
 * resourceVersion, so two candidates never both win.
 */
export class LeaderElector {
  private leading = false;
  private running = false;
  private observed: { record: string; at: number } | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: LeaderElectionOptions,
  ) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  /** Whether this replica holds the lease now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (returns at once; the loop runs until `stop`). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops campaigning; a leader steps down and, unless `release` is false, frees the lease at once. */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.leading) {
      this.setLeading(false);
      if (release) await this.release();
    }
  }

  private async run(): Promise<void> {
    let lastRenew = 0;
    while (this.running) {
      const ok = await this.tryAcquireOrRenew().catch((err) => {
        this.options.logger.warn({ err, lease: this.leaseKey }, 'Lease update failed');
        return false;
      });
      if (!this.running) break;
      const now = Date.now();
      if (ok) {
        lastRenew = now;
        if (!this.leading) this.setLeading(true);
      } else if (this.leading && now - lastRenew > this.renewDeadlineMs) {
        this.options.logger.error({ lease: this.leaseKey }, 'Lost the lease: could not renew it in time');
        this.setLeading(false);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.retryPeriodMs).unref();
      });
    }
  }

  private get leaseKey(): string {
    return `${this.options.leaseNamespace}/${this.options.leaseName}`;
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.options.logger.info(
      { lease: this.leaseKey, identity: this.options.identity, leading },
      leading ? 'Became leader' : 'Stopped leading',
    );
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { leaseName: name, leaseNamespace: namespace, identity } = this.options;
    const now = new V1MicroTime();
    const leaseDurationSeconds = Math.ceil(this.leaseDurationMs / 1000);
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isCode(err, 404)) throw err;
      const spec: V1LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      };
      try {
        await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } });
        return true;
      } catch (createErr) {
        if (isCode(createErr, 409)) return false;
        throw createErr;
      }
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, String(spec.renewTime), spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== identity;
    const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (heldByOther && Date.now() < expiresAt) return false;
    const renewing = holder === identity;
    lease.spec = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: renewing && spec.acquireTime ? new V1MicroTime(spec.acquireTime) : now,
      renewTime: now,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (renewing ? 0 : 1),
    };
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch (err) {
      if (isCode(err, 409)) return false;
      throw err;
    }
  }

  /** Frees the lease (holder emptied) so a standby can take over without waiting for expiry. */
  private async release(): Promise<void> {
    const { leaseName: name, leaseNamespace: namespace, identity } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = new V1MicroTime();
      lease.spec = {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        renewTime: now,
        acquireTime: now,
      };
      await this.api.replaceNamespacedLease({ name, namespace, body: lease });
      this.options.logger.info({ lease: this.leaseKey }, 'Released the lease');
    } catch (err) {
      this.options.logger.warn({ err, lease: this.leaseKey }, 'Could not release the lease');
    }
  }
}
