/** Crash-loop back-off of restarted containers, as the kubelet does it. Pure. */

export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** A container that ran at least this long before exiting starts its back-off from scratch again. */
export const BACKOFF_RESET_AFTER_MS = 2 * BACKOFF_MAX_MS;

/** Delay before the restart that follows `crashes` consecutive crashes (1 s, 2 s, 4 s ... 30 s). */
export function restartDelayMs(crashes: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.max(0, crashes - 1));
}

/** Consecutive crashes after an exit following a run of `ranMs`. */
export function crashesAfterExit(previousCrashes: number, ranMs: number): number {
  return ranMs >= BACKOFF_RESET_AFTER_MS ? 1 : previousCrashes + 1;
}
