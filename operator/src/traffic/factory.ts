import type { KubernetesObjectApi } from '@kubernetes/client-node';
import { GatewayApiRouter, type GatewayApiRouterOptions } from './gateway-api-router.js';
import { RoutesConfigMapRouter, type RoutesConfigMapRouterOptions } from './routes-configmap-router.js';
import type { TrafficRouter } from './types.js';

/** Names accepted in `spec.traffic.provider`. */
export const TRAFFIC_PROVIDERS = ['router', 'gateway-api'] as const;
/** One of TRAFFIC_PROVIDERS. */
export type TrafficProviderName = (typeof TRAFFIC_PROVIDERS)[number];

/** Returns the TrafficRouter of a provider name; throws naming the field for an unknown one. */
export type TrafficRouterFactory = (provider: string) => TrafficRouter;

/** Options for every router the factory builds. */
export interface TrafficRouterFactoryOptions {
  router?: RoutesConfigMapRouterOptions;
  gatewayApi?: GatewayApiRouterOptions;
}

/** Builds one router per provider (they are stateless, so they are shared by all ModelDeployments). */
export function createTrafficRouterFactory(
  objects: KubernetesObjectApi,
  options: TrafficRouterFactoryOptions = {},
): TrafficRouterFactory {
  const routers: Record<TrafficProviderName, TrafficRouter> = {
    router: new RoutesConfigMapRouter(objects, options.router),
    'gateway-api': new GatewayApiRouter(objects, options.gatewayApi),
  };
  return (provider: string) => {
    const router = routers[provider as TrafficProviderName];
    if (!router) {
      throw new Error(
        `spec.traffic.provider: unknown provider "${provider}" (known: ${TRAFFIC_PROVIDERS.join(', ')})`,
      );
    }
    return router;
  };
}
