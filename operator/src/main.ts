/**
 * Composition root of the operator: parses the command line, wires every part through one
 * tsyringe container (explicit tokens and factories, no decorator metadata), then runs the
 * controller until SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { MetricsAnalyzer } from './analysis/metrics-analyzer.js';
import type { MetricsProviderFactory } from './analysis/metrics-provider.js';
import { createMetricsProviderFactory } from './analysis/provider-factory.js';
import type { Analyzer } from './analysis/types.js';
import { parseOperatorArgs, USAGE, type OperatorConfig } from './controller/cli-options.js';
import { buildOperatorHttp } from './controller/http-server.js';
import { ControllerManager } from './controller/manager.js';
import type { Reconciler } from './controller/types.js';
import { withAnalysisMetrics } from './metrics/analysis-metrics.js';
import { PhaseMetricsObserver } from './metrics/phase-observer.js';
import { PromOperatorMetrics } from './metrics/prom-operator-metrics.js';
import { createModelDeploymentReconciler } from './reconcile/index.js';
import { createTrafficRouterFactory, type TrafficRouterFactory } from './traffic/factory.js';

/** Injection tokens of the operator's parts. */
export const TOKENS = {
  Config: Symbol('OperatorConfig'),
  Logger: Symbol('Logger'),
  KubeConfig: Symbol('KubeConfig'),
  ObjectApi: Symbol('KubernetesObjectApi'),
  Metrics: Symbol('PromOperatorMetrics'),
  MetricsProviders: Symbol('MetricsProviderFactory'),
  Analyzer: Symbol('Analyzer'),
  TrafficRouters: Symbol('TrafficRouterFactory'),
  Reconciler: Symbol('Reconciler'),
  Manager: Symbol('ControllerManager'),
} as const;

const single = <T>(make: (c: DependencyContainer) => T) => ({ useFactory: instanceCachingFactory<T>(make) });

/** Process-level hooks of the operator. */
export interface OperatorHooks {
  logger?: Logger;
  /** Leadership was lost while running: the process should stop and be restarted. */
  onLostLeadership?: () => void;
}

/** Registers every part of the operator in `c` for `config`. */
export function registerOperator(
  c: DependencyContainer,
  config: OperatorConfig,
  hooks: OperatorHooks = {},
): void {
  const { logger } = hooks;
  c.register(TOKENS.Config, { useValue: config });
  c.register(TOKENS.Logger, {
    useValue: logger ?? pino({ level: config.logLevel, base: { component: 'operator' } }),
  });
  c.register(
    TOKENS.KubeConfig,
    single(() => {
      const kc = new KubeConfig();
      if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
      else kc.loadFromDefault();
      return kc;
    }),
  );
  c.register(
    TOKENS.ObjectApi,
    single((r) => KubernetesObjectApi.makeApiClient(r.resolve<KubeConfig>(TOKENS.KubeConfig))),
  );
  c.register(
    TOKENS.Metrics,
    single(() => new PromOperatorMetrics()),
  );
  c.register(
    TOKENS.MetricsProviders,
    single<MetricsProviderFactory>(() =>
      createMetricsProviderFactory({ timeoutMs: config.prometheusTimeoutMs }),
    ),
  );
  c.register(
    TOKENS.Analyzer,
    single<Analyzer>((r) =>
      withAnalysisMetrics(new MetricsAnalyzer(r.resolve(TOKENS.MetricsProviders)), r.resolve(TOKENS.Metrics)),
    ),
  );
  c.register(
    TOKENS.TrafficRouters,
    single<TrafficRouterFactory>((r) => createTrafficRouterFactory(r.resolve(TOKENS.ObjectApi))),
  );
  c.register(
    TOKENS.Reconciler,
    single<Reconciler>((r) =>
      createModelDeploymentReconciler({
        kubeConfig: r.resolve(TOKENS.KubeConfig),
        analyzer: r.resolve(TOKENS.Analyzer),
        routers: r.resolve(TOKENS.TrafficRouters),
        log: r.resolve<Logger>(TOKENS.Logger).child({ part: 'reconciler' }),
      }),
    ),
  );
  c.register(
    TOKENS.Manager,
    single((r) => {
      const metrics = r.resolve<PromOperatorMetrics>(TOKENS.Metrics);
      const logger = r.resolve<Logger>(TOKENS.Logger);
      const manager: ControllerManager = new ControllerManager({
        kubeConfig: r.resolve(TOKENS.KubeConfig),
        reconciler: r.resolve(TOKENS.Reconciler),
        logger,
        metrics,
        namespace: config.namespace,
        concurrency: config.workers,
        resyncPeriodMs: config.resyncPeriodMs,
        leaderElection: config.leaderElect
          ? { leaseName: config.leaseName, leaseNamespace: config.leaseNamespace, identity: config.identity }
          : undefined,
        modelDeploymentObserver: new PhaseMetricsObserver(metrics, () => manager.leading),
        onLostLeadership: hooks.onLostLeadership,
      });
      return manager;
    }),
  );
}

/** A running operator: its manager, the HTTP ports it listens on, and how to stop it. */
export interface RunningOperator {
  manager: ControllerManager;
  metricsPort: number;
  healthPort: number;
  /** Graceful stop: informers, in-flight reconciles, lease, then HTTP. */
  stop(): Promise<void>;
}

/** Starts the operator in `c` (a fresh child container by default). */
export async function runOperator(
  config: OperatorConfig,
  options: OperatorHooks & { container?: DependencyContainer } = {},
): Promise<RunningOperator> {
  const c = options.container ?? container.createChildContainer();
  registerOperator(c, config, options);
  const logger = c.resolve<Logger>(TOKENS.Logger);
  const metrics = c.resolve<PromOperatorMetrics>(TOKENS.Metrics);
  const manager = c.resolve<ControllerManager>(TOKENS.Manager);
  const probes = { healthy: () => true, ready: () => manager.ready };
  const apps: FastifyInstance[] = [];
  const listen = async (app: FastifyInstance, port: number) => {
    apps.push(app);
    await app.listen({ port, host: config.bindAddress });
    return (app.server.address() as { port: number }).port;
  };
  let metricsPort: number;
  let healthPort: number;
  if (config.metricsPort === config.healthPort && config.metricsPort !== 0) {
    metricsPort = healthPort = await listen(
      buildOperatorHttp({ registry: metrics.registry, probes }),
      config.metricsPort,
    );
  } else {
    metricsPort = await listen(buildOperatorHttp({ registry: metrics.registry }), config.metricsPort);
    healthPort = await listen(buildOperatorHttp({ probes }), config.healthPort);
  }
  await manager.start();
  logger.info(
    { namespace: config.namespace ?? '(all)', metricsPort, healthPort, leaderElect: config.leaderElect },
    'Operator started',
  );
  return {
    manager,
    metricsPort,
    healthPort,
    async stop() {
      await manager.shutdown();
      await Promise.all(apps.map((a) => a.close()));
    },
  };
}

async function main(): Promise<void> {
  let config: OperatorConfig | null;
  try {
    config = parseOperatorArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (!config) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let stopping: Promise<void> | undefined;
  let exitCode = 0;
  const stop = (code: number) => {
    exitCode = Math.max(exitCode, code);
    stopping ??= running.then((r) => r.stop()).then(() => process.exit(exitCode));
  };
  const running = runOperator(config, { onLostLeadership: () => stop(1) });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop(0));
  await running;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    pino().fatal({ err }, 'Operator failed');
    process.exit(1);
  });
}
