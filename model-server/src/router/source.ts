/**
 * Where the routes config comes from. One interface; implementations: a Kubernetes ConfigMap
 * watch (`source-configmap.ts`), a watched file (`source-file.ts`), fixed text (`source-static.ts`).
 */
import type { RoutesUpdate } from './routes-state.js';

/** A source of routes config updates. */
export interface RoutesSource {
  /** Short name used in logs and metric labels: `configmap`, `file`, `env`. */
  readonly name: string;
  /**
   * Starts delivering updates to `onUpdate` (the current document first, then every change)
   * and keeps doing so, reconnecting by itself, until `stop()`.
   */
  start(onUpdate: (update: RoutesUpdate) => void): void;
  /** Stops delivering updates and releases connections and timers. */
  stop(): Promise<void>;
}

/** Exponential backoff with full jitter, from `minMs` doubling up to `maxMs`. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs = 200,
    private readonly maxMs = 30_000,
  ) {}

  /** Delay before the next retry. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt++;
    return this.minMs / 2 + Math.random() * (ceiling - this.minMs / 2);
  }

  /** Starts again from the smallest delay (after a success). */
  reset(): void {
    this.attempt = 0;
  }
}
