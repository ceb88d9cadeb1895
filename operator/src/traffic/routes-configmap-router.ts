import { type KubernetesObjectApi, type V1ConfigMap } from '@kubernetes/client-node';
import {
  DEFAULT_SHADOW_TOLERANCE,
  parseRoutesConfigMapData,
  routesConfigMapData,
  routesConfigMapName,
  type RoutesConfig,
} from '../../../model-server/src/router/routes-config.js';
import { isNotFound, routingLabels, serviceUrl, TRAFFIC_FIELD_MANAGER, serverSideApply } from './labels.js';
import type { TrafficRouter, TrafficState } from './types.js';

/** Options of the `router` traffic provider. */
export interface RoutesConfigMapRouterOptions {
  fieldManager?: string;
  /** Relative difference above which the router counts a mirrored record as mismatched. */
  shadowTolerance?: number;
}

/** The routing table the model-server router should apply for `state`. */
export function routesConfigOf(
  state: TrafficState,
  shadowTolerance = DEFAULT_SHADOW_TOLERANCE,
): RoutesConfig {
  const upstream = (b: TrafficState['master']) => ({
    url: serviceUrl(b.service, state.namespace, b.port),
    version: b.version,
  });
  const candidate = state.candidate ? upstream(state.candidate) : null;
  return {
    master: upstream(state.master),
    candidate,
    canaryWeight: candidate ? state.canaryWeight : 0,
    mirrorPercent: candidate ? state.mirrorPercent : 0,
    shadowTolerance,
  };
}

/** The `<name>-routes` ConfigMap for `state`, owned by the ModelDeployment. */
export function routesConfigMap(state: TrafficState, shadowTolerance?: number): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: routesConfigMapName(state.name),
      namespace: state.namespace,
      labels: routingLabels(state.name),
      ownerReferences: [state.owner],
    },
    data: routesConfigMapData(routesConfigOf(state, shadowTolerance)),
  };
}

/**
 * `router` provider: writes the ConfigMap the model-server router watches. The format comes from
 * the router's own module, so the two cannot drift.
 */
export class RoutesConfigMapRouter implements TrafficRouter {
  private readonly fieldManager: string;

  constructor(
    private readonly objects: KubernetesObjectApi,
    private readonly options: RoutesConfigMapRouterOptions = {},
  ) {
    this.fieldManager = options.fieldManager ?? TRAFFIC_FIELD_MANAGER;
  }

  async apply(state: TrafficState): Promise<void> {
    const manifest = routesConfigMap(state, this.options.shadowTolerance);
    await serverSideApply(this.objects, manifest, this.fieldManager);
  }

  async current(
    namespace: string,
    name: string,
  ): Promise<{ canaryWeight: number; mirrorPercent: number } | null> {
    let configMap: V1ConfigMap;
    try {
      configMap = await this.objects.read<V1ConfigMap>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: routesConfigMapName(name), namespace },
      });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const parsed = parseRoutesConfigMapData(configMap.data);
    if (!parsed.ok) {
      const issues = parsed.issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
      throw new Error(`ConfigMap ${namespace}/${routesConfigMapName(name)} holds invalid routes: ${issues}`);
    }
    return { canaryWeight: parsed.config.canaryWeight, mirrorPercent: parsed.config.mirrorPercent };
  }
}
