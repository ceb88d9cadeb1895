import test from 'ava';
import pino from 'pino';
import { ExponentialBackoffLimiter } from '../../src/controller/rate-limiter.js';
import type { Reconciler, ReconcileResult } from '../../src/controller/types.js';
import { WorkQueue } from '../../src/controller/work-queue.js';
import { ReconcileWorkers } from '../../src/controller/workers.js';
import { FakeClock } from './fake-clock.js';

const logger = pino({ level: 'silent' });

/** Resolves after pending promise callbacks have run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A reconciler whose passes the test finishes by hand. */
class ManualReconciler implements Reconciler {
  readonly running = new Map<string, number>();
  readonly calls: string[] = [];
  maxConcurrentPerKey = 0;
  private readonly pending: { key: string; finish: (r: ReconcileResult | Error) => void }[] = [];

  reconcile(key: string): Promise<ReconcileResult> {
    this.calls.push(key);
    const now = (this.running.get(key) ?? 0) + 1;
    this.running.set(key, now);
    this.maxConcurrentPerKey = Math.max(this.maxConcurrentPerKey, now);
    return new Promise((resolve, reject) => {
      this.pending.push({
        key,
        finish: (r) => {
          this.running.set(key, (this.running.get(key) ?? 1) - 1);
          if (r instanceof Error) reject(r);
          else resolve(r);
        },
      });
    });
  }

  /** Finishes the oldest running pass of `key`. */
  finish(key: string, result: ReconcileResult | Error = {}): void {
    const i = this.pending.findIndex((p) => p.key === key);
    if (i < 0) throw new Error(`no pass of ${key} running`);
    this.pending.splice(i, 1)[0].finish(result);
  }
}

function setup(concurrency = 4) {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, rateLimiter: new ExponentialBackoffLimiter(100, 10_000) });
  const reconciler = new ManualReconciler();
  const workers = new ReconcileWorkers({ queue, reconciler, concurrency, logger });
  workers.start();
  return { clock, queue, reconciler, workers };
}

test('one key is never reconciled by two workers at once, and re-adds are not lost', async (t) => {
  const { queue, reconciler, workers } = setup(4);
  queue.add('ns/a');
  queue.add('ns/b');
  await settle();
  t.deepEqual(reconciler.calls, ['ns/a', 'ns/b'], 'different keys run in parallel');
  queue.add('ns/a');
  queue.add('ns/a');
  await settle();
  t.deepEqual(reconciler.calls, ['ns/a', 'ns/b'], 'ns/a waits for its running pass');
  reconciler.finish('ns/a');
  await settle();
  t.deepEqual(reconciler.calls, ['ns/a', 'ns/b', 'ns/a'], 'then runs once more for both re-adds');
  reconciler.finish('ns/a');
  reconciler.finish('ns/b');
  await settle();
  t.is(reconciler.maxConcurrentPerKey, 1);
  queue.shutDown();
  await workers.stopped();
});

test('an error retries the key with growing backoff; success resets it', async (t) => {
  const { clock, queue, reconciler, workers } = setup(1);
  queue.add('ns/a');
  await settle();
  reconciler.finish('ns/a', new Error('conflict'));
  await settle();
  t.is(queue.retries('ns/a'), 1);
  clock.advance(99);
  await settle();
  t.is(reconciler.calls.length, 1);
  clock.advance(1);
  await settle();
  t.is(reconciler.calls.length, 2, 'retried after 100 ms');
  reconciler.finish('ns/a', new Error('again'));
  await settle();
  clock.advance(199);
  await settle();
  t.is(reconciler.calls.length, 2);
  clock.advance(1);
  await settle();
  t.is(reconciler.calls.length, 3, 'retried after 200 ms');
  reconciler.finish('ns/a', {});
  await settle();
  t.is(queue.retries('ns/a'), 0, 'success forgets the failures');
  queue.shutDown();
  await workers.stopped();
});

test('requeueAfterMs brings the key back after that delay', async (t) => {
  const { clock, queue, reconciler, workers } = setup(2);
  queue.add('ns/a');
  await settle();
  reconciler.finish('ns/a', { requeueAfterMs: 60_000 });
  await settle();
  clock.advance(59_999);
  await settle();
  t.is(reconciler.calls.length, 1);
  clock.advance(1);
  await settle();
  t.is(reconciler.calls.length, 2);
  reconciler.finish('ns/a');
  queue.shutDown();
  await workers.stopped();
});

test('shutdown waits for in-flight passes to finish', async (t) => {
  const { queue, reconciler, workers } = setup(2);
  queue.add('ns/a');
  await settle();
  queue.shutDown();
  let stopped = false;
  const stopping = workers.stopped().then(() => (stopped = true));
  await settle();
  t.false(stopped, 'ns/a still running');
  reconciler.finish('ns/a');
  await stopping;
  t.true(stopped);
});
