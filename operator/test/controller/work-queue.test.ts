import test from 'ava';
import {
  ExponentialBackoffLimiter,
  MaxOfLimiter,
  TokenBucketLimiter,
} from '../../src/controller/rate-limiter.js';
import { WorkQueue } from '../../src/controller/work-queue.js';
import { FakeClock } from './fake-clock.js';

function queue() {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, rateLimiter: new ExponentialBackoffLimiter(10, 1000) });
  return { clock, q };
}

/** Takes every key ready now (without waiting). */
async function drain(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.depth > 0) keys.push((await q.get()) as string);
  return keys;
}

test('a key added many times before processing is handed out once, in FIFO order', async (t) => {
  const { q } = queue();
  q.add('ns/a');
  q.add('ns/b');
  q.add('ns/a');
  q.add('ns/a');
  t.is(q.depth, 2);
  t.deepEqual(await drain(q), ['ns/a', 'ns/b']);
});

test('a key is not handed to a second worker while processed; re-added, it comes back after done', async (t) => {
  const { q } = queue();
  q.add('ns/a');
  const first = await q.get();
  t.is(first, 'ns/a');
  q.add('ns/a');
  q.add('ns/a');
  t.is(q.depth, 0, 'not handed out while in process');
  let second: string | undefined;
  const waiting = q.get().then((k) => (second = k));
  await Promise.resolve();
  t.is(second, undefined);
  q.done('ns/a');
  await waiting;
  t.is(second, 'ns/a', 'processed again once, after done');
  q.done('ns/a');
  t.is(q.depth, 0);
});

test('a waiting worker gets a key as soon as it is added', async (t) => {
  const { q } = queue();
  const got = q.get();
  q.add('ns/a');
  t.is(await got, 'ns/a');
  t.is(q.inFlight, 1);
});

test('addAfter delays a key; the earliest pending delay wins', async (t) => {
  const { q, clock } = queue();
  q.addAfter('ns/a', 5000);
  q.addAfter('ns/a', 1000);
  q.addAfter('ns/a', 3000);
  t.is(clock.pending, 1);
  clock.advance(999);
  t.is(q.depth, 0);
  clock.advance(1);
  t.deepEqual(await drain(q), ['ns/a']);
  clock.advance(10_000);
  t.is(q.depth, 0, 'the replaced longer delays do not fire again');
});

test('addAfter of a key that is already queued still processes it again later (requeueAfter)', async (t) => {
  const { q, clock } = queue();
  q.add('ns/a');
  const key = (await q.get()) as string;
  q.addAfter(key, 100);
  q.done(key);
  t.is(q.depth, 0);
  clock.advance(100);
  t.deepEqual(await drain(q), ['ns/a']);
});

test('addRateLimited backs off exponentially per key until forget', async (t) => {
  const { q, clock } = queue();
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = clock.now();
    q.addRateLimited('ns/a');
    while (q.depth === 0) clock.advance(1);
    delays.push(clock.now() - start);
    const k = (await q.get()) as string;
    q.done(k);
  }
  t.deepEqual(delays, [10, 20, 40, 80, 160]);
  t.is(q.retries('ns/a'), 5);
  q.addRateLimited('ns/b');
  clock.advance(10);
  t.deepEqual(await drain(q), ['ns/b'], 'other keys have their own backoff');
  q.forget('ns/a');
  t.is(q.retries('ns/a'), 0);
  q.addRateLimited('ns/a');
  clock.advance(10);
  t.deepEqual(await drain(q), ['ns/a'], 'backoff starts over after forget');
});

test('backoff is capped', (t) => {
  const limiter = new ExponentialBackoffLimiter(10, 1000);
  const delays = Array.from({ length: 10 }, () => limiter.when('k'));
  t.deepEqual(delays, [10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000]);
});

test('the token bucket limits retries of all keys together after the burst', (t) => {
  const clock = new FakeClock();
  const limiter = new MaxOfLimiter(new ExponentialBackoffLimiter(1, 1), new TokenBucketLimiter(clock, 10, 3));
  const delays = ['a', 'b', 'c', 'd', 'e'].map((k) => limiter.when(k));
  t.deepEqual(delays, [1, 1, 1, 100, 200]);
  clock.advance(1000);
  t.is(limiter.when('f'), 1, 'tokens refill over time');
});

test('shutDown releases waiting workers, drops pending keys and whenIdle waits for in-flight ones', async (t) => {
  const { q, clock } = queue();
  q.add('ns/a');
  const key = (await q.get()) as string;
  q.add('ns/b');
  q.addAfter('ns/c', 10);
  const waiting = q.get();
  const secondWaiting = q.get();
  t.is(await waiting, 'ns/b');
  q.shutDown();
  t.is(await secondWaiting, undefined);
  t.is(await q.get(), undefined);
  clock.advance(100);
  t.is(q.depth, 0, 'delayed keys are dropped');
  let idle = false;
  const idlePromise = q.whenIdle().then(() => (idle = true));
  q.done('ns/b');
  await Promise.resolve();
  t.false(idle, 'ns/a still in flight');
  q.add('ns/a');
  q.done(key);
  await idlePromise;
  t.true(idle);
  t.is(q.depth, 0, 'nothing is re-queued after shutdown');
});

test('depth changes are reported', async (t) => {
  const depths: number[] = [];
  const q = new WorkQueue({ clock: new FakeClock(), onDepthChange: (d) => depths.push(d) });
  q.add('a');
  q.add('b');
  await q.get();
  t.deepEqual(depths, [1, 2, 1]);
});
