import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { AddressPool, MAX_SLOTS, slotRanges } from './addresses.js';
import { waitFor } from '../cluster/index.js';
import { startProcess } from '../cluster/process.js';
import { claimSlot, killOrphans, processPrefix } from './slots.js';

test('an address pool hands out stable loopback addresses, never 127.0.0.1', (t) => {
  const pool = new AddressPool(10, 2);
  t.is(pool.allocate('a'), '127.10.0.2');
  t.is(pool.allocate('b'), '127.10.0.3');
  t.is(pool.allocate('a'), '127.10.0.2', 'same key, same address');
  t.is(pool.get('b'), '127.10.0.3');
  t.deepEqual(pool.keys(), ['a', 'b']);
  t.throws(() => new AddressPool(0, 1), { message: /second octet must be an integer in 10\.\.255, got 0/ });
});

test('a released address is reused only once the range is spent', (t) => {
  const pool = new AddressPool(12, 0xfffd);
  t.is(pool.allocate('a'), '127.12.255.253');
  t.is(pool.allocate('b'), '127.12.255.254');
  pool.release('a');
  t.is(pool.get('a'), undefined);
  t.is(pool.allocate('c'), '127.12.255.253', 'range spent: the released address comes back');
  t.throws(() => pool.allocate('d'), { message: /127\.12\.0\.0\/16 is exhausted/ });
  t.is(new AddressPool(12, 255).allocate('x'), '127.12.0.255');
  t.is(new AddressPool(12, 256).allocate('x'), '127.12.1.0');
});

test('slots give disjoint pod and Service ranges', (t) => {
  t.deepEqual(slotRanges(0), { podOctet: 10, serviceOctet: 110 });
  t.deepEqual(slotRanges(MAX_SLOTS - 1), { podOctet: 109, serviceOctet: 209 });
  t.throws(() => slotRanges(MAX_SLOTS), { message: /slot must be an integer in 0\.\.99, got 100/ });
});

test('slot claims exclude each other, are released, and are taken over from dead owners', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slots-'));
  try {
    const first = claimSlot(undefined, dir);
    const second = claimSlot(undefined, dir);
    t.is(first.slot, 0);
    t.is(second.slot, 1);
    t.throws(() => claimSlot(0, dir), { message: /slot 0 is held by another live process/ });
    first.release();
    t.is(claimSlot(undefined, dir).slot, 0);
    // A claim left by a process that no longer exists (pid above pid_max) is taken over.
    fs.writeFileSync(path.join(dir, '2.json'), JSON.stringify({ pid: 2 ** 23, startTime: '1' }));
    t.is(claimSlot(2, dir).slot, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('processes left behind by an earlier holder of a slot are killed, those of other slots are not', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-'));
  const start = (slot: number) =>
    startProcess({ name: `${processPrefix(slot)}ns_pod`, dir, command: 'sleep', args: ['60'] });
  const orphan = start(7);
  const other = start(8);
  try {
    t.deepEqual(killOrphans(dir, 7), [`pod-s7_ns_pod.pid (${orphan.pid})`]);
    let exit: number | string | undefined;
    void orphan.exited.then((e) => (exit = e));
    t.is(await waitFor('the orphan to end', () => exit), 'SIGKILL'); // polling keeps the loop alive: the child is unref'd
    t.deepEqual(killOrphans(dir, 7), [], 'nothing left');
    t.true(fs.existsSync(path.join(dir, 'pids', 'pod-s8_ns_pod.pid')));
  } finally {
    await other.stop('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
