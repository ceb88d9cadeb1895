/** Time source and timers, injectable so queue and backoff logic can be tested without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; returns a handle for `clearTimer`. */
  setTimer(fn: () => void, ms: number): unknown;
  /** Cancels a timer set with `setTimer`. */
  clearTimer(handle: unknown): void;
}

/** The process clock; timers do not keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
