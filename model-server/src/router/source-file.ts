/**
 * A routes config file, polled for changes (fs.watchFile: works on any file system and with
 * files replaced by rename, as a mounted ConfigMap is).
 */
import { readFile } from 'node:fs/promises';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { parseRoutesConfig } from './routes-config.js';
import type { RoutesUpdate } from './routes-state.js';
import type { RoutesSource } from './source.js';

/** Reads a file at start and again whenever it changes. */
export class FileRoutesSource implements RoutesSource {
  readonly name = 'file';
  private listener?: (curr: Stats, prev: Stats) => void;

  constructor(
    private readonly path: string,
    private readonly pollMs = 250,
  ) {}

  start(onUpdate: (update: RoutesUpdate) => void): void {
    const load = async () => {
      try {
        const text = await readFile(this.path, 'utf8');
        onUpdate({ kind: 'config', result: parseRoutesConfig(text) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') onUpdate({ kind: 'missing' });
        else onUpdate({ kind: 'source-error', error: new Error(`${this.path}: ${(err as Error).message}`) });
      }
    };
    this.listener = (curr, prev) => {
      if (curr.mtimeMs !== prev.mtimeMs || curr.ino !== prev.ino || curr.size !== prev.size) void load();
    };
    watchFile(this.path, { interval: this.pollMs, persistent: false }, this.listener);
    void load();
  }

  async stop(): Promise<void> {
    if (this.listener) unwatchFile(this.path, this.listener);
  }
}
