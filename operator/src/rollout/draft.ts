/**
 * The working copy of one decision: the new status, the events to record and the times at which
 * to look again. Phase handlers mutate a Draft; nothing outside this module sees it mutate.
 */
import type { Phase } from '../api/types.js';
import type { RolloutEvent, RolloutInput } from './types.js';

export class Draft {
  readonly status;
  readonly events: RolloutEvent[] = [];
  private readonly wakeups: number[] = [];

  constructor(readonly input: RolloutInput) {
    this.status = structuredClone(input.status);
  }

  get now(): number {
    return this.input.now;
  }

  get nowIso(): string {
    return new Date(this.input.now).toISOString();
  }

  get spec() {
    return this.input.spec;
  }

  /** Current phase (a new object is Idle). */
  get phase(): Phase {
    return this.status.phase ?? 'Idle';
  }

  /** Moves to `phase`, starting its clock, with a human-readable message. */
  enter(phase: Phase, message: string): void {
    this.status.phase = phase;
    this.status.phaseStartedAt = this.nowIso;
    this.status.message = message;
  }

  emit(type: RolloutEvent['type'], reason: string, message: string): void {
    this.events.push({ type, reason, message });
  }

  /** Asks to be reconciled again at `time` (ms since the epoch). */
  wakeAt(time: number): void {
    this.wakeups.push(time);
  }

  wakeIn(ms: number): void {
    this.wakeups.push(this.input.now + ms);
  }

  /** Delay until the earliest requested wake-up, or undefined when none was asked for. */
  requeueAfterMs(): number | undefined {
    if (!this.wakeups.length) return undefined;
    return Math.max(0, Math.min(...this.wakeups) - this.input.now);
  }

  /** Milliseconds since the ISO time `iso` (0 when absent). */
  since(iso: string | undefined): number {
    return iso ? this.input.now - Date.parse(iso) : 0;
  }
}
