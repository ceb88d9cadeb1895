/**
 * Writes a pod's status whenever it changes: one write at a time, later requests coalesced into
 * one write of the newest status, unchanged statuses skipped, failed writes retried.
 */
import { isDeepStrictEqual } from 'node:util';
import type { PodStatusJson } from './pod-status.js';

export class StatusReporter {
  private last?: PodStatusJson;
  private writing?: Promise<void>;
  private again = false;
  private closed = false;
  private retry?: NodeJS.Timeout;

  /**
   * @param compute the current status, given the last one written (for transition times)
   * @param write writes a status; resolves false when the pod is gone (no more writes)
   */
  constructor(
    private readonly compute: (previous: PodStatusJson | undefined) => PodStatusJson,
    private readonly write: (status: PodStatusJson) => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
    private readonly retryMs = 1_000,
  ) {}

  /** Asks for the current status to be written. */
  request(): void {
    if (this.closed) return;
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.flush().finally(() => (this.writing = undefined));
  }

  /** Resolves once no write is in flight. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** No more writes after the one in flight. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }

  private async flush(): Promise<void> {
    try {
      do {
        this.again = false;
        const status = this.compute(this.last);
        if (isDeepStrictEqual(status, this.last)) continue;
        if (!(await this.write(status))) {
          this.close();
          return;
        }
        this.last = status;
      } while (this.again && !this.closed);
    } catch (error) {
      this.onError(error);
      if (!this.closed) this.retry = setTimeout(() => this.request(), this.retryMs);
    }
  }
}
