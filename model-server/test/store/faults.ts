import type { Journal, JournalSegment, PredictionDatabase, PredictionRow } from '../../src/store/types.js';

/**
 * Fault injection around the real PostgreSQL database: while `down`, every call fails as if the
 * server were unreachable; `delayMs` slows each insert down. Rows still go to real PostgreSQL.
 */
export class FaultyDatabase implements PredictionDatabase {
  down = false;
  delayMs = 0;
  inserts = 0;

  constructor(private readonly inner: PredictionDatabase) {}

  private async gate(): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.down) throw new Error('connect ECONNREFUSED (injected)');
  }

  async migrate() {
    await this.gate();
    return this.inner.migrate();
  }

  async insert(rows: readonly PredictionRow[]) {
    await this.gate();
    this.inserts++;
    return this.inner.insert(rows);
  }

  async insertNew(rows: readonly PredictionRow[]) {
    await this.gate();
    this.inserts++;
    return this.inner.insertNew(rows);
  }

  async ping() {
    await this.gate();
    return this.inner.ping();
  }

  end() {
    return this.inner.end();
  }
}

/** Fault injection around the real file journal: appends fail while `broken`. */
export class FaultyJournal implements Journal {
  broken = false;

  constructor(private readonly inner: Journal) {}

  open() {
    return this.inner.open();
  }

  async append(rows: readonly PredictionRow[]) {
    if (this.broken) throw new Error('ENOSPC: no space left on device (injected)');
    return this.inner.append(rows);
  }

  pendingRecords() {
    return this.inner.pendingRecords();
  }

  seal(): Promise<JournalSegment[]> {
    return this.inner.seal();
  }

  close() {
    return this.inner.close();
  }
}
