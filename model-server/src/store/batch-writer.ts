import type { Journal, PredictionDatabase, PredictionRow, PredictionSink, StoreStats } from './types.js';
import { retryDelayMs } from './retry.js';

/** Tuning of the batched writer. */
export interface BatchWriterOptions {
  /** Rows per COPY; a full batch is written at once, and BACKLOG_BATCHES waiting batches as one. */
  batchSize: number;
  /** Longest time a row waits in memory before it is written (or journaled). */
  flushIntervalMs: number;
  /** Rows held in memory before everything queued spills to the journal. */
  maxQueueRecords: number;
  /** Where the writer reports trouble (a pino logger fits). */
  log?: WriterLog;
}

/** The subset of a pino logger the writer uses. */
export interface WriterLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

const PING_CACHE_MS = 1_000;
/**
 * Once this many batches wait, they are written together: fewer round trips while the database
 * is behind, at the cost of a longer serialisation only then.
 */
export const BACKLOG_BATCHES = 5;

/**
 * Batched, asynchronous, lossless prediction writer. Rows are queued in memory and inserted in
 * batches by a single loop, so the database sees them in arrival order. When an insert fails,
 * the batch and everything queued after it go to the journal; while the journal holds rows, new
 * rows are appended behind them and the journal is replayed, oldest first, before any direct
 * insert resumes. Replays are idempotent (inserts skip known record ids), so a crash between an
 * insert and the removal of a journal segment duplicates nothing.
 */
export class BatchWriter implements PredictionSink {
  readonly persistent = true;
  private queue: PredictionRow[] = [];
  private inflight: { rows: PredictionRow[]; journaled: boolean } | null = null;
  private running: Promise<void> | null = null;
  private forceAfterRun = false;
  private readonly appends = new Set<Promise<void>>();
  /** Rows handed to the journal whose append has not finished yet. */
  private appending = 0;
  private timer: NodeJS.Timeout | undefined;
  private migrated = false;
  private databaseUp = false;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  private lastPing = { at: 0, ok: false, pending: null as Promise<boolean> | null };
  private readonly counters = { written: 0, journaled: 0, replayed: 0, dropped: 0 };

  constructor(
    private readonly database: PredictionDatabase,
    private readonly journal: Journal,
    private readonly options: BatchWriterOptions,
  ) {}

  async start(): Promise<void> {
    await this.journal.open();
    if (this.journal.pendingRecords() > 0) {
      this.options.log?.info({ pending: this.journal.pendingRecords() }, 'journal holds rows to replay');
    }
    this.timer = setInterval(() => this.kick(true), this.options.flushIntervalMs);
    this.timer.unref();
    this.kick(true);
  }

  enqueue(rows: readonly PredictionRow[]): void {
    if (this.closed) {
      this.counters.dropped += rows.length;
      this.options.log?.error({ rows: rows.length }, 'prediction rows arrived after the store was closed');
      return;
    }
    for (const row of rows) this.queue.push(row);
    if (this.queue.length > this.options.maxQueueRecords) this.spill();
    else if (this.queue.length >= this.options.batchSize) this.kick(false);
  }

  async isReachable(): Promise<boolean> {
    if (Date.now() - this.lastPing.at < PING_CACHE_MS) return this.lastPing.ok;
    this.lastPing.pending ??= (async () => {
      let ok = this.migrated;
      if (ok)
        ok = await this.database.ping().then(
          () => true,
          () => false,
        );
      this.lastPing = { at: Date.now(), ok, pending: null };
      return ok;
    })();
    return this.lastPing.pending;
  }

  stats(): StoreStats {
    const inflight = this.inflight && !this.inflight.journaled ? this.inflight.rows.length : 0;
    return {
      ...this.counters,
      queued: this.queue.length + inflight,
      journalPending: this.journal.pendingRecords() + this.appending,
      databaseUp: this.databaseUp,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    await Promise.all(this.appends);
    this.retryAt = 0; // one last chance for the database before falling back to the journal
    await this.cycle(true).catch((error: unknown) => {
      this.options.log?.error({ err: error }, 'final flush failed; journaling what is left');
      this.journalQueued();
    });
    await Promise.all(this.appends);
    await this.journal.close();
    await this.database.end().catch(() => undefined);
  }

  /** Starts a write cycle unless one is running (which then re-checks when it ends). */
  private kick(force: boolean): void {
    if (this.closed) return;
    if (this.running) {
      this.forceAfterRun ||= force;
      return;
    }
    this.running = this.cycle(force)
      .catch((error: unknown) => this.options.log?.error({ err: error }, 'prediction writer cycle failed'))
      .finally(() => {
        this.running = null;
        const again = this.forceAfterRun;
        this.forceAfterRun = false;
        if (again || this.queue.length >= this.options.batchSize) this.kick(again);
      });
  }

  private async cycle(force: boolean): Promise<void> {
    if (!(await this.ensureMigrated())) return this.journalQueued();
    // With nothing to write, a down database would otherwise stay "down" in the metrics forever.
    if (!this.databaseUp && this.queue.length === 0 && !this.hasJournaledRows() && this.mayTryDatabase()) {
      await this.database.ping().then(
        () => this.markUp(),
        (error: unknown) => this.markDown(error, 'prediction database unreachable'),
      );
    }
    for (;;) {
      if (this.hasJournaledRows() && !(await this.replay())) return this.journalQueued();
      const size = this.queue.length;
      if (size === 0 || (size < this.options.batchSize && !force)) return;
      const take =
        this.options.batchSize * (size >= this.options.batchSize * BACKLOG_BATCHES ? BACKLOG_BATCHES : 1);
      const inflight = { rows: this.queue.splice(0, take), journaled: false };
      this.inflight = inflight;
      try {
        this.counters.written += await this.database.insertNew(inflight.rows);
        this.markUp();
      } catch (error) {
        this.markDown(error, 'insert failed; journaling');
        return this.journalQueued();
      } finally {
        this.inflight = null;
      }
    }
  }

  /** Replays the journal oldest first; true once it is empty. */
  private async replay(): Promise<boolean> {
    if (!this.mayTryDatabase()) return false;
    for (let round = 0; round < 5 && this.hasJournaledRows(); round++) {
      for (const segment of await this.journal.seal()) {
        const { rows, badLines } = await segment.read();
        if (badLines > 0) {
          this.counters.dropped += badLines;
          this.options.log?.error({ segment: segment.name, badLines }, 'unreadable journal lines skipped');
        }
        for (let i = 0; i < rows.length; i += this.options.batchSize) {
          try {
            this.counters.replayed += await this.database.insert(rows.slice(i, i + this.options.batchSize));
            this.markUp();
          } catch (error) {
            this.markDown(error, 'replay failed; will retry');
            return false;
          }
        }
        await segment.remove();
      }
    }
    return !this.hasJournaledRows();
  }

  private hasJournaledRows(): boolean {
    return this.appending > 0 || this.journal.pendingRecords() > 0;
  }

  private async ensureMigrated(): Promise<boolean> {
    if (this.migrated) return true;
    if (!this.mayTryDatabase()) return false;
    try {
      await this.database.migrate();
      this.migrated = true;
      this.markUp();
      return true;
    } catch (error) {
      this.markDown(error, 'migrations failed; journaling until the database answers');
      return false;
    }
  }

  /** Moves the in-flight batch (unless already journaled) and the whole queue to the journal. */
  private journalQueued(): void {
    const rows: PredictionRow[] = [];
    if (this.inflight && !this.inflight.journaled) {
      this.inflight.journaled = true;
      rows.push(...this.inflight.rows);
    }
    for (const row of this.queue.splice(0)) rows.push(row);
    if (rows.length === 0) return;
    // Appends are serialised inside the journal, so rows land in the order of these calls.
    this.appending += rows.length;
    const append = this.journal.append(rows).then(
      () => {
        this.appending -= rows.length;
        this.counters.journaled += rows.length;
      },
      (error: unknown) => {
        this.appending -= rows.length;
        this.counters.dropped += rows.length;
        this.options.log?.error({ err: error, rows: rows.length }, 'journal append failed; rows dropped');
      },
    );
    this.appends.add(append);
    void append.finally(() => this.appends.delete(append));
  }

  /** Memory cap reached: everything queued goes to disk now, behind the in-flight batch. */
  private spill(): void {
    this.options.log?.warn(
      { queued: this.queue.length },
      'prediction queue over its cap; spilling to the journal',
    );
    this.journalQueued();
  }

  private mayTryDatabase(): boolean {
    return Date.now() >= this.retryAt;
  }

  private markUp(): void {
    if (!this.databaseUp && this.failures > 0)
      this.options.log?.info({}, 'prediction database reachable again');
    this.databaseUp = true;
    this.failures = 0;
  }

  private markDown(error: unknown, message: string): void {
    if (this.databaseUp || this.failures === 0) this.options.log?.warn({ err: error }, message);
    this.databaseUp = false;
    this.failures++;
    this.retryAt = Date.now() + retryDelayMs(this.failures);
  }
}
