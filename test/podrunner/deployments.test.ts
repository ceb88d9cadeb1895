/** The pod runner with the real controllers: Deployments get ready, scale, go away; Services balance. */
import fs from 'node:fs';
import path from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import test from 'ava';
import { waitFor } from '../cluster/index.js';
import {
  get,
  processExists,
  startHarness,
  tinyDeployment,
  waitForDeployment,
  type Harness,
} from './harness.js';

let h: Harness;
test.before(async () => {
  h = await startHarness('dep');
});
test.after.always(async () => {
  await h?.close();
});

const readyReplicas = (n: number) => (d: { status?: { readyReplicas?: number; replicas?: number } }) =>
  (d.status?.readyReplicas ?? 0) === n && d.status?.replicas === n;

test('a Deployment of 2 becomes ready through the real controllers and its Service spreads over both pods', async (t) => {
  const namespace = await h.namespace();
  await h.apps.createNamespacedDeployment({ namespace, body: tinyDeployment('web', 2) });
  await h.core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
    },
  });
  const deployment = await waitForDeployment(h, namespace, 'web', 'ready 2/2', readyReplicas(2));
  t.is(deployment.status?.availableReplicas, 2);
  const available = deployment.status?.conditions?.find((c) => c.type === 'Available');
  t.is(available?.status, 'True');

  const pods = (await h.core.listNamespacedPod({ namespace })).items;
  t.is(pods.length, 2);
  for (const pod of pods) {
    t.is(pod.spec?.nodeName, h.runner.nodeName);
    t.is(pod.status?.phase, 'Running');
    t.regex(pod.status?.podIP ?? '', /^127\.(?!0\.0\.1$)\d+\.\d+\.\d+$/);
    t.is(pod.status?.podIP, h.runner.podAddress(namespace, pod.metadata!.name!));
    t.is(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    t.true(pod.status?.containerStatuses?.[0].ready);
    t.truthy(pod.status?.containerStatuses?.[0].state?.running);
  }
  t.not(pods[0].status?.podIP, pods[1].status?.podIP);

  const address = h.runner.serviceAddress(namespace, 'web', 80);
  t.is(h.runner.serviceAddress(namespace, 'web', 80), address, 'the Service address is stable');
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const res = await get(address);
    t.is(res.status, 200);
    seen.add((JSON.parse(res.body) as { pod: string }).pod);
  }
  t.deepEqual([...seen].sort(), pods.map((p) => p.metadata!.name!).sort(), 'both pods answered');

  // Cluster-DNS stand-in: the pod got a hosts file naming the Service's address.
  const env = (JSON.parse((await get(address)).body) as { env: Record<string, string> }).env;
  const hosts = JSON.parse(fs.readFileSync(env.MODELROLLOUT_HOSTS_FILE, 'utf8')) as Record<string, string>;
  const ip = address.split(':')[0];
  t.is(hosts[`web.${namespace}.svc`], ip);
  t.is(hosts[`web.${namespace}.svc.cluster.local`], ip);
  t.is(hosts.web, ip);
  t.true(fs.readFileSync(env.UPSTREAM_HOST_OVERRIDES_FILE, 'utf8').includes(`web.${namespace}.svc=${ip}\n`));
  t.is(env.HOST, pods.find((p) => p.metadata?.name === env.POD_NAME)?.status?.podIP ?? 'no such pod');
  t.is(env.PORT, '8080');
  t.is(env.POD_NAMESPACE, namespace);
  t.is(path.resolve(env.KUBECONFIG), path.resolve(h.plane.kubeconfig));
});

test('scaling to 1 stops one process; deleting the Deployment stops them all', async (t) => {
  const namespace = await h.namespace();
  await h.apps.createNamespacedDeployment({ namespace, body: tinyDeployment('scale', 2) });
  await waitForDeployment(h, namespace, 'scale', 'ready 2/2', readyReplicas(2));
  const inNamespace = () => h.runner.pods().filter((p) => p.namespace === namespace);
  const pids = inNamespace().map((p) => p.pid!);
  t.is(pids.length, 2);
  t.true(pids.every(processExists));

  await h.apps.patchNamespacedDeployment(
    { namespace, name: 'scale', body: { spec: { replicas: 1 } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitForDeployment(h, namespace, 'scale', 'ready 1/1', readyReplicas(1));
  await waitFor('one pod left', async () => {
    const pods = (await h.core.listNamespacedPod({ namespace })).items;
    return pods.length === 1 && inNamespace().length === 1 ? true : undefined;
  });
  const kept = inNamespace()[0].pid!;
  t.true(pids.includes(kept));
  t.true(processExists(kept));
  t.false(processExists(pids.find((p) => p !== kept)!), 'the scaled-down process is gone');

  await h.apps.deleteNamespacedDeployment({ namespace, name: 'scale' });
  await waitFor('every pod gone', async () => {
    const pods = (await h.core.listNamespacedPod({ namespace })).items;
    return pods.length === 0 && inNamespace().length === 0 ? true : undefined;
  });
  t.deepEqual(pids.filter(processExists), [], 'no process left behind');
});

test('a readiness probe answering 503 makes the pod NotReady and drops readyReplicas', async (t) => {
  const namespace = await h.namespace();
  await h.apps.createNamespacedDeployment({ namespace, body: tinyDeployment('flip', 2) });
  await h.core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'flip' }, spec: { selector: { app: 'flip' }, ports: [{ port: 8080 }] } },
  });
  await waitForDeployment(h, namespace, 'flip', 'ready 2/2', readyReplicas(2));
  const [sick, healthy] = h.runner.pods().filter((p) => p.namespace === namespace);
  t.is((await get(`${sick.ip}:8080`, '/unready')).status, 200);

  const d = await waitForDeployment(
    h,
    namespace,
    'flip',
    'readyReplicas 1',
    (x) => x.status?.readyReplicas === 1,
  );
  t.is(d.status?.replicas, 2);
  const pod = await h.core.readNamespacedPod({ namespace, name: sick.name });
  t.is(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  t.is(pod.status?.phase, 'Running', 'not ready is not dead');
  t.is(pod.status?.containerStatuses?.[0].ready, false);

  // The Service now routes to the ready pod only.
  const address = h.runner.serviceAddress(namespace, 'flip', 8080);
  await waitFor('the proxy to drop the unready pod', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(address)));
    return answers.every((a) => (JSON.parse(a.body) as { pod: string }).pod === healthy.name)
      ? true
      : undefined;
  });
  t.pass();
});
