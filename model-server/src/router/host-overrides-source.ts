/**
 * Keeps the host overrides in force: fixed text (environment), or a file re-read when it changes
 * (the local pod runner rewrites it as pods move). A bad file keeps the last good overrides.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Logger } from 'pino';
import {
  NO_HOST_OVERRIDES,
  applyHostOverrides,
  parseHostOverrides,
  type HostOverrides,
} from './host-overrides.js';

/** The overrides in force and how to apply them to a base URL. */
export class HostOverridesHolder {
  private overrides: HostOverrides = NO_HOST_OVERRIDES;
  private readonly resolved = new Map<string, string>();
  private watchedFile?: string;

  constructor(private readonly log: Logger) {}

  /** Sets overrides from text; throws on a bad entry (used at startup, where failing is right). */
  setText(text: string): void {
    this.overrides = parseHostOverrides(text);
    this.resolved.clear();
  }

  /** Loads overrides from `path` now (throws if unreadable or bad) and again whenever it changes. */
  watchFile(path: string, pollMs = 250): void {
    this.setText(readFileSync(path, 'utf8'));
    this.watchedFile = path;
    watchFile(path, { interval: pollMs, persistent: false }, () => {
      try {
        this.setText(readFileSync(path, 'utf8'));
        this.log.info({ path, entries: this.overrides.size }, 'upstream host overrides reloaded');
      } catch (err) {
        this.log.error(
          { path, err: (err as Error).message },
          'upstream host overrides refused; keeping the last',
        );
      }
    });
  }

  /** The origin to dial for a configured base URL. */
  resolve(baseUrl: string): string {
    let origin = this.resolved.get(baseUrl);
    if (origin === undefined) {
      origin = applyHostOverrides(baseUrl, this.overrides);
      if (this.resolved.size > 1000) this.resolved.clear();
      this.resolved.set(baseUrl, origin);
    }
    return origin;
  }

  /** Stops watching the file. */
  stop(): void {
    if (this.watchedFile) unwatchFile(this.watchedFile);
  }
}
