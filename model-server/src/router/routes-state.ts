/**
 * The routes config in force. Updates from a config source replace it only when valid: a bad
 * or deleted document is counted and logged, and the last good config stays in force.
 */
import type { Logger } from 'pino';
import type { RouterMetrics } from './metrics.js';
import { sameRoutesConfig, type RoutesConfig, type RoutesConfigResult } from './routes-config.js';

/** An update from a config source. */
export type RoutesUpdate =
  | { kind: 'config'; result: RoutesConfigResult }
  | { kind: 'missing' }
  | { kind: 'source-error'; error: Error };

/** Holds the routes config in force and applies source updates to it. */
export class RoutesState {
  private config: RoutesConfig | null = null;

  constructor(
    private readonly metrics: RouterMetrics,
    private readonly log: Logger,
  ) {}

  /** The config in force, or null until a valid one has been loaded. */
  get current(): RoutesConfig | null {
    return this.config;
  }

  /** Applies an update from `source` (`configmap`, `file`, `env`); returns true if it took effect. */
  apply(update: RoutesUpdate, source: string): boolean {
    const model_name = this.metrics.modelName;
    if (update.kind === 'source-error') {
      this.metrics.configErrors.inc({ model_name, source, reason: 'source' });
      this.log.warn(
        { source, err: update.error.message },
        'routes config source failed; keeping the last config',
      );
      return false;
    }
    if (update.kind === 'missing') {
      this.metrics.configErrors.inc({ model_name, source, reason: 'missing' });
      this.log.warn({ source }, 'routes config missing (absent or deleted); keeping the last config');
      return false;
    }
    if (!update.result.ok) {
      this.metrics.configErrors.inc({ model_name, source, reason: 'invalid' });
      this.log.error(
        { source, issues: update.result.issues },
        'invalid routes config refused; keeping the last config',
      );
      return false;
    }
    const next = update.result.config;
    if (this.config && sameRoutesConfig(this.config, next)) return false;
    this.config = next;
    this.metrics.configReloads.inc({ model_name, source });
    this.metrics.configApplied(next);
    this.log.info(
      {
        source,
        master: next.master,
        candidate: next.candidate,
        canaryWeight: next.canaryWeight,
        mirrorPercent: next.mirrorPercent,
      },
      'routes config applied',
    );
    return true;
  }
}
