/** One stored prediction: a single input record and what the model answered for it. */
export interface PredictionRow {
  /** Unique id made by the server; makes inserts idempotent when the journal is replayed. */
  record_id: string;
  request_id: string;
  model_name: string;
  model_version: string;
  variant: string;
  inputs: unknown;
  outputs: PredictionOutputs;
  /** ISO-8601 time the request was answered. */
  created_at: string;
}

/** The model's answer for one record: a price, or null with the reason it was left out. */
export interface PredictionOutputs {
  prediction: number | null;
  error?: string;
}

/** Running totals of where records went; `dropped` only grows when even the journal failed. */
export interface StoreStats {
  /** Rows inserted straight from memory. */
  written: number;
  /** Records appended to the on-disk journal (database down, slow, or memory cap reached). */
  journaled: number;
  /** Rows inserted from the journal after the database came back. */
  replayed: number;
  /** Records lost: neither the database nor the journal would take them. */
  dropped: number;
  /** Records waiting in memory. */
  queued: number;
  /** Records waiting in the journal. */
  journalPending: number;
  /** Whether the last database operation succeeded. */
  databaseUp: boolean;
}

/** Where the serve path hands predictions; implementations never make the caller wait. */
export interface PredictionSink {
  /** False for the sink used when no database is configured. */
  readonly persistent: boolean;
  /** Starts background work (migrations, journal replay, flush timer). */
  start(): Promise<void>;
  /** Accepts rows for storage without waiting for any I/O. */
  enqueue(rows: readonly PredictionRow[]): void;
  /** True when the store can currently write to its database (always true when none is configured). */
  isReachable(): Promise<boolean>;
  /** Current counters. */
  stats(): StoreStats;
  /** Flushes everything to the database or the journal, then releases resources. */
  close(): Promise<void>;
}

/** The database side of the store: schema and idempotent inserts. */
export interface PredictionDatabase {
  /** Applies pending migrations (safe to run from several replicas at once). */
  migrate(): Promise<void>;
  /** Inserts rows in order, skipping record ids already present; returns rows inserted. */
  insert(rows: readonly PredictionRow[]): Promise<number>;
  /**
   * Inserts rows never offered before (fresh from memory), in order, by the fastest means; the
   * whole batch fails if a record id is already present. Returns rows inserted.
   */
  insertNew(rows: readonly PredictionRow[]): Promise<number>;
  /** Cheap round trip that fails when the database is unreachable. */
  ping(): Promise<void>;
  end(): Promise<void>;
}

/** An append-only, ordered, durable log of rows that could not be written to the database. */
export interface Journal {
  /** Opens the directory, claims it for this process, and counts what is pending. */
  open(): Promise<void>;
  /** Appends rows and fsyncs before resolving. */
  append(rows: readonly PredictionRow[]): Promise<void>;
  /** Records written but not yet removed. */
  pendingRecords(): number;
  /**
   * Seals the segment being appended to and returns every sealed segment, oldest first; appends
   * from now on go to a new segment.
   */
  seal(): Promise<JournalSegment[]>;
  close(): Promise<void>;
}

/** A sealed journal segment that can be read and, once replayed, removed. */
export interface JournalSegment {
  readonly name: string;
  /** Rows in the order they were appended; `badLines` counts unparsable lines (a torn write). */
  read(): Promise<{ rows: PredictionRow[]; badLines: number }>;
  /** Deletes the segment after its rows are safely in the database. */
  remove(): Promise<void>;
}
