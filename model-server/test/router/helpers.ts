/**
 * Test helpers: small real HTTP servers that answer like a model-server, a router under test,
 * and metric reading. Records are `{x: number | null}`; an upstream predicts `x * factor`, and
 * null for a null x (with an error entry), as the model-server does for records it leaves out.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { createRouter, type Router, type RouterOptions } from '../../src/router/router.js';
import type { RoutesConfig } from '../../src/router/routes-config.js';

/** How a fake upstream behaves; mutable while it runs. */
export interface FakeBehaviour {
  version: string;
  factor: number;
  /** Answer this status with an error body instead of predictions. */
  status?: number;
  delayMs?: number;
  /** Answer 200 with a body that has no predictions. */
  garbage?: boolean;
  /** Answer one prediction fewer than there are records. */
  truncate?: boolean;
}

/** A request the fake upstream received. */
export interface SeenRequest {
  path: string;
  requestId: string | undefined;
  shadow: boolean;
  body: string;
}

/** A running fake model-server. */
export interface FakeUpstream {
  url: string;
  behaviour: FakeBehaviour;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a fake model-server on 127.0.0.1 (random port). */
export async function startFakeUpstream(behaviour: FakeBehaviour): Promise<FakeUpstream> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({
        path: req.url ?? '',
        requestId: req.headers['x-request-id'] as string | undefined,
        shadow: req.headers['x-model-shadow'] === 'true',
        body,
      });
      const answer = () => {
        if (res.destroyed) return;
        res.setHeader('content-type', 'application/json');
        if (behaviour.status && behaviour.status !== 200) {
          res.statusCode = behaviour.status;
          return res.end(JSON.stringify({ error: 'failing on purpose' }));
        }
        if (req.url === '/v1/model')
          return res.end(JSON.stringify({ name: 'fake', version: behaviour.version }));
        if (behaviour.garbage) return res.end(JSON.stringify({ nonsense: true }));
        const records = JSON.parse(body) as { x: number | null }[];
        const predictions = records.map((r) => (r.x === null ? null : r.x * behaviour.factor));
        if (behaviour.truncate) predictions.pop();
        const errors = records.flatMap((r, index) =>
          r.x === null ? [{ index, field: 'x', reason: 'missing' }] : [],
        );
        res.end(JSON.stringify({ predictions, version: behaviour.version, errors }));
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    behaviour,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL nothing listens on (a port bound then released). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A routes config with defaults for the fields not given. */
export function routes(partial: Partial<RoutesConfig> & Pick<RoutesConfig, 'master'>): RoutesConfig {
  return { candidate: null, canaryWeight: 0, mirrorPercent: 0, shadowTolerance: 0.05, ...partial };
}

/** Creates a router (not listening) with `config` applied; tests close it. */
export function testRouter(config: RoutesConfig | null, overrides: Partial<RouterOptions> = {}): Router {
  const router = createRouter({
    modelName: 'house-price',
    logger: pino({ level: 'silent' }),
    upstreamTimeoutMs: 10_000,
    mirrorTimeoutMs: 1_000,
    maxMirrorInFlight: 100,
    processMetrics: false,
    ...overrides,
  });
  if (config) router.routes.apply({ kind: 'config', result: { ok: true, config } }, 'test');
  return router;
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string | number> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name.replace(/_(bucket|count|sum)$/, ''));
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((v) => {
      const sampleName = (v as { metricName?: string }).metricName;
      return sampleName === undefined || sampleName === name;
    })
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === String(want)))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Polls `check` until it returns true or the deadline passes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
