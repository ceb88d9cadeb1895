import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import pino from 'pino';
import { waitFor } from '../../../test/cluster/index.js';
import { LeaderElector } from '../../src/controller/leader-election.js';
import { freshNamespace, kubeConfig } from './kube.js';

let kc: KubeConfig;
test.before(async () => {
  kc = await kubeConfig();
});

function elector(namespace: string, identity: string, overlaps: { both: number }, all: LeaderElector[]) {
  const e: LeaderElector = new LeaderElector(kc.makeApiClient(CoordinationV1Api), {
    leaseName: 'modelrollout-operator',
    leaseNamespace: namespace,
    identity,
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: 200,
    logger: pino({ level: 'silent' }),
    onStartedLeading: () => {
      if (all.some((other) => other !== e && other.isLeader)) overlaps.both++;
    },
    onStoppedLeading: () => undefined,
  });
  all.push(e);
  return e;
}

const leaderOf = (electors: LeaderElector[]) => () => {
  const leaders = electors.filter((e) => e.isLeader);
  return leaders.length === 1 ? leaders[0] : undefined;
};

test('one of two electors leads; when it stops and releases, the other takes over at once', async (t) => {
  const namespace = await freshNamespace(kc, 'lease');
  const overlaps = { both: 0 };
  const all: LeaderElector[] = [];
  const a = elector(namespace, 'replica-a', overlaps, all);
  const b = elector(namespace, 'replica-b', overlaps, all);
  a.start();
  await waitFor('a to lead', () => (a.isLeader ? true : undefined));
  b.start();
  await new Promise((resolve) => setTimeout(resolve, 1000)); // several retry periods and renewals
  t.false(b.isLeader, 'b stays standby while a renews');
  const stoppedAt = Date.now();
  await a.stop();
  await waitFor('b to lead', () => (b.isLeader ? true : undefined), { timeoutMs: 10_000 });
  t.true(Date.now() - stoppedAt < 1500, 'released lease is taken without waiting for expiry');
  const lease = await kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name: 'modelrollout-operator', namespace });
  t.is(lease.spec?.holderIdentity, 'replica-b');
  t.is(lease.spec?.leaseTransitions, 1);
  t.is(overlaps.both, 0, 'never two leaders');
  await b.stop();
});

test('when the leader dies without releasing, the standby takes over after the lease expires', async (t) => {
  const namespace = await freshNamespace(kc, 'lease');
  const overlaps = { both: 0 };
  const all: LeaderElector[] = [];
  const a = elector(namespace, 'replica-a', overlaps, all);
  const b = elector(namespace, 'replica-b', overlaps, all);
  a.start();
  b.start();
  const first = await waitFor('a leader', leaderOf(all));
  const standby = first === a ? b : a;
  const diedAt = Date.now();
  await first.stop({ release: false });
  await waitFor('the standby to lead', () => (standby.isLeader ? true : undefined), { timeoutMs: 10_000 });
  const waited = Date.now() - diedAt;
  t.true(waited >= 1500, `took over only after about a lease duration (${waited} ms)`);
  t.is(overlaps.both, 0);
  await standby.stop();
});

test('a released lease can be reacquired by a restarted replica', async (t) => {
  const namespace = await freshNamespace(kc, 'lease');
  const all: LeaderElector[] = [];
  const first = elector(namespace, 'replica-a', { both: 0 }, all);
  first.start();
  await waitFor('lead', () => (first.isLeader ? true : undefined));
  await first.stop();
  const again = elector(namespace, 'replica-a2', { both: 0 }, all);
  again.start();
  await waitFor('lead again', () => (again.isLeader ? true : undefined));
  t.true(again.isLeader);
  await again.stop();
});
