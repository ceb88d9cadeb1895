import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Journal, JournalSegment, PredictionRow } from './types.js';

const SEGMENT = /^segment-(\d{12})\.jsonl$/;
const LOCK_FILE = 'journal.lock';

/** Options of the on-disk journal. */
export interface FileJournalOptions {
  dir: string;
  /** A segment is sealed for appends once it grows past this size. */
  maxSegmentBytes?: number;
}

/**
 * Journal as JSON-lines segment files in one directory (`segment-000000000001.jsonl`, ...), one
 * row per line, fdatasync after every append. A lock file keeps two processes from sharing it.
 */
export class FileJournal implements Journal {
  private readonly dir: string;
  private readonly maxSegmentBytes: number;
  private readonly counts = new Map<string, number>();
  private pending = 0;
  private nextSeq = 1;
  private current: { name: string; handle: FileHandle; bytes: number } | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: FileJournalOptions) {
    this.dir = options.dir;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 16 * 1024 * 1024;
  }

  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await this.claim();
    for (const name of await this.segmentNames()) {
      const count = countLines(await fs.readFile(path.join(this.dir, name)));
      this.counts.set(name, count);
      this.pending += count;
      this.nextSeq = Math.max(this.nextSeq, Number(SEGMENT.exec(name)![1]) + 1);
    }
  }

  append(rows: readonly PredictionRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.serialized(async () => {
      let text = '';
      for (const row of rows) text += JSON.stringify(row) + '\n';
      const segment = this.current ?? (await this.startSegment());
      await segment.handle.write(text);
      await segment.handle.datasync();
      segment.bytes += Buffer.byteLength(text);
      this.counts.set(segment.name, (this.counts.get(segment.name) ?? 0) + rows.length);
      this.pending += rows.length;
      if (segment.bytes >= this.maxSegmentBytes) await this.closeCurrent();
    });
  }

  pendingRecords(): number {
    return this.pending;
  }

  seal(): Promise<JournalSegment[]> {
    return this.serialized(async () => {
      await this.closeCurrent();
      return (await this.segmentNames()).map((name) => this.segment(name));
    });
  }

  close(): Promise<void> {
    return this.serialized(async () => {
      await this.closeCurrent();
      await fs.rm(path.join(this.dir, LOCK_FILE), { force: true });
    });
  }

  private segment(name: string): JournalSegment {
    const file = path.join(this.dir, name);
    return {
      name,
      read: async () => {
        const rows: PredictionRow[] = [];
        let badLines = 0;
        for (const line of (await fs.readFile(file, 'utf8')).split('\n')) {
          if (line === '') continue;
          try {
            rows.push(JSON.parse(line) as PredictionRow);
          } catch {
            badLines++;
          }
        }
        return { rows, badLines };
      },
      remove: () =>
        this.serialized(async () => {
          await fs.rm(file, { force: true });
          this.pending -= this.counts.get(name) ?? 0;
          this.counts.delete(name);
        }),
    };
  }

  private async startSegment(): Promise<{ name: string; handle: FileHandle; bytes: number }> {
    const name = `segment-${String(this.nextSeq++).padStart(12, '0')}.jsonl`;
    const handle = await fs.open(path.join(this.dir, name), 'a');
    await syncDirectory(this.dir);
    this.current = { name, handle, bytes: 0 };
    return this.current;
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.handle.close();
  }

  private async segmentNames(): Promise<string[]> {
    return (await fs.readdir(this.dir)).filter((name) => SEGMENT.test(name)).sort();
  }

  /** Takes the lock file, unless a live process other than this one holds it. */
  private async claim(): Promise<void> {
    const lock = path.join(this.dir, LOCK_FILE);
    const holder = Number((await fs.readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `journal directory ${this.dir} is in use by process ${holder}; give each server its own JOURNAL_DIR`,
      );
    }
    await fs.writeFile(lock, `${process.pid}\n`);
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.chain.then(operation);
    this.chain = result.catch(() => undefined);
    return result;
  }
}

function countLines(buffer: Buffer): number {
  let count = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) count++;
  // A torn last line (no newline) still holds a row that read() will try to parse.
  if (buffer.length > 0 && buffer[buffer.length - 1] !== 10) count++;
  return count;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
