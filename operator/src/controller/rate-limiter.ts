import type { Clock } from './clock.js';

/** Decides how long a key waits before it is retried. */
export interface RateLimiter {
  /** Delay in ms before `key` is handed out again; each call counts as one more failure. */
  when(key: string): number;
  /** Clears `key`'s failure history (after a successful pass). */
  forget(key: string): void;
  /** Failures recorded for `key` since it was last forgotten. */
  retries(key: string): number;
}

/**
 * Per-key exponential backoff: base × 2^failures, capped at max. client-go caps at 1000 s; the
 * default cap here is 5 min so a rollout under analysis is never left alone for a quarter hour.
 */
export class ExponentialBackoffLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 300_000,
  ) {}

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * Overall token bucket (client-go: 10 qps, burst 100): bounds retries of all keys together, so
 * a failing API server is not hammered by every key at once.
 */
export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps = 10,
    private readonly burst = 100,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  forget(): void {}

  retries(): number {
    return 0;
  }
}

/** The longest delay of several limiters (client-go's DefaultControllerRateLimiter shape). */
export class MaxOfLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  retries(key: string): number {
    return Math.max(...this.limiters.map((l) => l.retries(key)));
  }
}

/** Per-key backoff 5 ms .. 5 min combined with a 10 qps / 100 burst bucket. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfLimiter(new ExponentialBackoffLimiter(), new TokenBucketLimiter(clock));
}
