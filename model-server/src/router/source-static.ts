/** A routes config given once as text (e.g. the `ROUTES_JSON` environment variable). */
import { parseRoutesConfig } from './routes-config.js';
import type { RoutesUpdate } from './routes-state.js';
import type { RoutesSource } from './source.js';

/** Delivers one fixed document. */
export class StaticRoutesSource implements RoutesSource {
  constructor(
    private readonly text: string,
    readonly name = 'env',
  ) {}

  start(onUpdate: (update: RoutesUpdate) => void): void {
    onUpdate({ kind: 'config', result: parseRoutesConfig(this.text) });
  }

  async stop(): Promise<void> {}
}
