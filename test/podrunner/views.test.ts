import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import test from 'ava';
import { applyHostOverrides, parseHostOverrides } from '../../model-server/src/router/host-overrides.js';
import { hostsEntries, HostsFiles, renderLines } from './hosts-files.js';
import { scrapeTargets } from './scrape-targets.js';
import { serviceBackends } from './service-backends.js';

function pod(
  name: string,
  ip: string,
  opts: { ready?: boolean; labels?: Record<string, string>; ns?: string } = {},
): V1Pod {
  return {
    metadata: { name, namespace: opts.ns ?? 'ns', labels: opts.labels ?? { app: 'web' } },
    spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

test('Service backends: ready pods of its namespace matching the selector, target port resolved', (t) => {
  const service: V1Service = {
    metadata: { name: 'web', namespace: 'ns' },
    spec: {
      selector: { app: 'web' },
      ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 9000 }, { port: 82 }],
    },
  };
  const terminating = pod('d', '127.10.0.4');
  terminating.metadata!.deletionTimestamp = new Date();
  const pods = [
    pod('b', '127.10.0.3'),
    pod('a', '127.10.0.2'),
    pod('c', '127.10.0.5', { ready: false }),
    terminating,
    pod('other', '127.10.0.6', { labels: { app: 'other' } }),
    pod('elsewhere', '127.10.0.7', { ns: 'ns2' }),
  ];
  const [http, numbered, same] = service.spec!.ports!.map((p) => serviceBackends(service, p, pods));
  t.deepEqual(http, [
    { host: '127.10.0.2', port: 8080 },
    { host: '127.10.0.3', port: 8080 },
  ]);
  t.deepEqual(
    numbered.map((b) => b.port),
    [9000, 9000],
  );
  t.deepEqual(
    same.map((b) => b.port),
    [82, 82],
  );
  const selectorless = { ...service, spec: { ...service.spec, selector: undefined } };
  t.deepEqual(serviceBackends(selectorless, service.spec!.ports![0], pods), []);
});

test('scrape targets: running pods that ask for it, with their labels', (t) => {
  const scraped = pod('m-1', '127.10.0.2', {
    labels: { 'app.kubernetes.io/name': 'house-price', 'modelrollout.io/variant': 'master' },
  });
  scraped.metadata!.annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/stats' };
  const pending = pod('p', '127.10.0.3');
  pending.metadata!.annotations = { 'prometheus.io/scrape': 'true' };
  pending.status!.phase = 'Pending';
  const quiet = pod('q', '127.10.0.4');
  const router = pod('r', '127.10.0.5', { labels: {} });
  router.metadata!.annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
  t.deepEqual(scrapeTargets([scraped, pending, quiet, router]), [
    {
      address: '127.10.0.2:8080',
      labels: {
        namespace: 'ns',
        pod: 'm-1',
        modeldeployment: 'house-price',
        app_kubernetes_io_name: 'house-price',
        variant: 'master',
        __metrics_path__: '/stats',
      },
    },
    { address: '127.10.0.5:9090', labels: { namespace: 'ns', pod: 'r' } },
  ]);
});

test('host files: qualified names everywhere, short names in the own namespace, readable by the router', (t) => {
  const services = [
    { namespace: 'ml', name: 'house-price', ip: '127.110.0.1' },
    { namespace: 'other', name: 'db', ip: '127.110.0.2' },
  ];
  const entries = hostsEntries(services, 'ml');
  t.is(entries['house-price'], '127.110.0.1');
  t.is(entries['house-price.ml.svc.cluster.local'], '127.110.0.1');
  t.is(entries['db.other.svc'], '127.110.0.2');
  t.false('db' in entries, 'no short name across namespaces');
  const overrides = parseHostOverrides(renderLines(entries));
  t.is(applyHostOverrides('http://house-price-x.ml.svc:8080', overrides), 'http://house-price-x.ml.svc:8080');
  t.is(applyHostOverrides('http://house-price.ml.svc:8080', overrides), 'http://127.110.0.1:8080');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-'));
  try {
    const files = new HostsFiles(dir);
    const paths = files.pathsFor('ml');
    t.deepEqual(JSON.parse(fs.readFileSync(paths.json, 'utf8')), {});
    files.update(services);
    t.is(
      (JSON.parse(fs.readFileSync(paths.json, 'utf8')) as Record<string, string>)['house-price.ml'],
      '127.110.0.1',
    );
    t.true(fs.readFileSync(paths.lines, 'utf8').includes('db.other.svc.cluster.local=127.110.0.2\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
