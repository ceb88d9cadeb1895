/** `model-server router`: runs the router until SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { ROUTER_USAGE, UsageError, parseRouterOptions, type RoutesSourceChoice } from './cli-options.js';
import { HostOverridesHolder } from './host-overrides-source.js';
import { createRouter } from './router.js';
import { ConfigMapRoutesSource } from './source-configmap.js';
import { FileRoutesSource } from './source-file.js';
import { StaticRoutesSource } from './source-static.js';
import type { RoutesSource } from './source.js';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Runs the router; resolves with the process exit code once it has stopped. */
export async function routerMain(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseRouterOptions(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`model-server router: ${err.message}\n\n${ROUTER_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(ROUTER_USAGE);
    return 0;
  }
  const logger = pino({ level: options.logLevel, base: { component: 'router', model: options.modelName } });
  const overrides = new HostOverridesHolder(logger);
  let source: RoutesSource;
  try {
    if (options.hostOverrides) overrides.setText(options.hostOverrides);
    if (options.hostOverridesFile) overrides.watchFile(options.hostOverridesFile);
    source = makeSource(options.source, logger);
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'cannot start the router');
    overrides.stop();
    return 2;
  }

  const router = createRouter({
    modelName: options.modelName,
    source,
    logger,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    mirrorTimeoutMs: options.mirrorTimeoutMs,
    maxMirrorInFlight: options.maxMirrorInFlight,
    liveConnections: options.connections,
    resolveOrigin: (url) => overrides.resolve(url),
    bodyLimit: options.bodyLimit,
  });
  try {
    const url = await router.app.listen({ host: options.host, port: options.port });
    logger.info({ url }, 'router listening');
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'cannot listen');
    await router.close();
    overrides.stop();
    return 1;
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal, delayMs: options.shutdownDelayMs }, 'shutting down');
  router.startDraining();
  if (options.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, options.shutdownDelayMs));
  await router.close();
  overrides.stop();
  return 0;
}

function makeSource(choice: RoutesSourceChoice, logger: Logger): RoutesSource {
  switch (choice.kind) {
    case 'env':
      return new StaticRoutesSource(choice.text, 'env');
    case 'file':
      return new FileRoutesSource(choice.path);
    case 'configmap': {
      const kubeConfig = new KubeConfig();
      if (choice.kubeconfig) kubeConfig.loadFromFile(choice.kubeconfig);
      else kubeConfig.loadFromDefault();
      const namespace =
        choice.namespace ?? serviceAccountNamespace() ?? kubeConfigNamespace(kubeConfig) ?? 'default';
      logger.info({ namespace, configmap: choice.name }, 'watching routes ConfigMap');
      return new ConfigMapRoutesSource(kubeConfig, { namespace, name: choice.name }, logger);
    }
  }
}

function serviceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function kubeConfigNamespace(kubeConfig: KubeConfig): string | undefined {
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  return context?.namespace || undefined;
}
