import { Counter, Gauge, type Registry } from 'prom-client';
import type { StoreStats } from '../store/types.js';
import type { ModelLabels } from './serve-metrics.js';

type Outcome = 'written' | 'journaled' | 'replayed' | 'dropped';
const OUTCOMES: readonly Outcome[] = ['written', 'journaled', 'replayed', 'dropped'];

/**
 * Exposes the prediction store's counters, read from `stats()` at scrape time:
 * `prediction_store_records_total{outcome}`, the rows waiting in memory and in the journal, and
 * whether the database answered last time.
 */
export function registerStoreMetrics(registry: Registry, labels: ModelLabels, stats: () => StoreStats): void {
  const reported: Record<Outcome, number> = { written: 0, journaled: 0, replayed: 0, dropped: 0 };
  new Counter({
    name: 'prediction_store_records_total',
    help: 'Prediction rows by what happened to them: written, journaled, replayed or dropped.',
    labelNames: ['model_name', 'model_version', 'variant', 'outcome'],
    registers: [registry],
    collect() {
      const current = stats();
      for (const outcome of OUTCOMES) {
        const delta = current[outcome] - reported[outcome];
        if (delta > 0) this.inc({ ...labels, outcome }, delta);
        else if (reported[outcome] === 0) this.inc({ ...labels, outcome }, 0);
        reported[outcome] = Math.max(reported[outcome], current[outcome]);
      }
    },
  });
  new Gauge({
    name: 'prediction_store_pending_records',
    help: 'Prediction rows not yet in the database, by where they wait (memory or journal).',
    labelNames: ['model_name', 'model_version', 'variant', 'location'],
    registers: [registry],
    collect() {
      const current = stats();
      this.set({ ...labels, location: 'memory' }, current.queued);
      this.set({ ...labels, location: 'journal' }, current.journalPending);
    },
  });
  new Gauge({
    name: 'prediction_store_up',
    help: 'Whether the last prediction database operation succeeded (1) or not (0).',
    labelNames: ['model_name', 'model_version', 'variant'],
    registers: [registry],
    collect() {
      this.set(labels, stats().databaseUp ? 1 : 0);
    },
  });
}
