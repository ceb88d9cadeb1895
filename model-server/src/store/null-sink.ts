import type { PredictionRow, PredictionSink, StoreStats } from './types.js';

/** The sink used when no database is configured: predictions are not stored. */
export class NullSink implements PredictionSink {
  readonly persistent = false;

  async start(): Promise<void> {}

  enqueue(_rows: readonly PredictionRow[]): void {}

  async isReachable(): Promise<boolean> {
    return true;
  }

  stats(): StoreStats {
    return {
      written: 0,
      journaled: 0,
      replayed: 0,
      dropped: 0,
      queued: 0,
      journalPending: 0,
      databaseUp: false,
    };
  }

  async close(): Promise<void> {}
}
