import { systemClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Options of a WorkQueue. */
export interface WorkQueueOptions {
  clock?: Clock;
  rateLimiter?: RateLimiter;
  /** Called whenever the number of keys waiting to be handed out changes. */
  onDepthChange?: (depth: number) => void;
}

/**
 * Keyed, de-duplicating, rate-limited work queue (the shape of client-go's workqueue):
 * - a key added several times before a worker takes it is handed out once;
 * - a key is never handed to two workers at once; re-added while processed, it is handed out
 *   again after `done`;
 * - `addAfter` delays a key (the earliest pending delay wins);
 * - `addRateLimited` delays it by the rate limiter (per-key exponential backoff on errors).
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly ready: string[] = [];
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: unknown }>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.limiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
  }

  /** Marks `key` for processing now. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.ready.push(key);
    this.depthChanged();
  }

  /** Adds `key` after `ms` milliseconds; an earlier pending delay for the key is kept. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimer(pending.timer);
    const timer = this.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds `key` after the rate limiter's delay (call after a failed pass). */
  addRateLimited(key: string): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** Clears `key`'s failure history (call after a successful pass). */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  /** Failures recorded for `key` since its last success. */
  retries(key: string): number {
    return this.limiter.retries(key);
  }

  /** Waits for the next key to process; undefined once the queue shuts down. Call `done` after. */
  get(): Promise<string | undefined> {
    const key = this.ready.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      this.depthChanged();
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Ends the processing of `key`; if it was re-added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.dirty.delete(key);
      this.add(key);
    }
    if (this.processing.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Keys waiting to be handed out (not counting delayed or in-process keys). */
  get depth(): number {
    return this.ready.length;
  }

  /** Keys currently being processed. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Stops handing out keys and drops delayed ones; waiting `get` calls resolve undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimer(timer);
    this.delayed.clear();
    this.ready.length = 0;
    this.dirty.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
    this.depthChanged();
  }

  /** Resolves when no key is being processed (use after `shutDown` to drain). */
  whenIdle(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private depthChanged(): void {
    this.options.onDepthChange?.(this.ready.length);
  }
}
