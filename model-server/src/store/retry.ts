/** Backoff before the next database attempt after `failures` consecutive failures (200 ms … 5 s). */
export function retryDelayMs(failures: number): number {
  return Math.min(200 * 2 ** Math.max(0, failures - 1), 5_000);
}
