import { type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { isNotFound, routingLabels, TRAFFIC_FIELD_MANAGER, serverSideApply } from './labels.js';
import type { GatewayParentRef } from '../api/types.js';
import type { Backend, TrafficRouter, TrafficState } from './types.js';

/** API version of the HTTPRoute the `gateway-api` provider manages. */
export const HTTP_ROUTE_API_VERSION = 'gateway.networking.k8s.io/v1';

/** A Gateway (or other parent) the HTTPRoute attaches to. */
export type ParentRef = GatewayParentRef;

/** Options of the `gateway-api` traffic provider. */
export interface GatewayApiRouterOptions {
  fieldManager?: string;
  /**
   * Parents of HTTPRoutes whose ModelDeployment names none (`spec.traffic.gateway`). When neither
   * is set, `parentRefs` and `hostnames` are left to whoever attaches the route: server-side
   * apply keeps their fields beside the operator's rules.
   */
  parentRefs?: ParentRef[];
}

interface BackendRef {
  name: string;
  port: number;
  weight?: number;
}

interface HttpRouteRule {
  backendRefs?: BackendRef[];
  filters?: {
    type: string;
    requestMirror?: { backendRef: BackendRef; percent?: number; fraction?: unknown };
  }[];
}

/** The parts of an HTTPRoute this provider writes and reads. */
export interface HttpRoute extends KubernetesObject {
  spec?: { parentRefs?: ParentRef[]; hostnames?: string[]; rules?: HttpRouteRule[] };
}

const backendRef = (b: Backend, weight?: number): BackendRef => ({
  name: b.service,
  port: b.port,
  ...(weight === undefined ? {} : { weight }),
});

/** The HTTPRoute `<name>` for `state`: weighted backends plus a RequestMirror filter in shadow. */
export function httpRouteOf(state: TrafficState, defaultParentRefs: ParentRef[] = []): HttpRoute {
  const parentRefs = state.gateway?.parentRefs ?? defaultParentRefs;
  const hostnames = state.gateway?.hostnames ?? [];
  const rule: HttpRouteRule = {};
  if (state.candidate) {
    rule.backendRefs = [
      backendRef(state.master, 100 - state.canaryWeight),
      backendRef(state.candidate, state.canaryWeight),
    ];
    if (state.mirrorPercent > 0) {
      rule.filters = [
        {
          type: 'RequestMirror',
          requestMirror: { backendRef: backendRef(state.candidate), percent: state.mirrorPercent },
        },
      ];
    }
  } else {
    rule.backendRefs = [backendRef(state.master, 100)];
  }
  return {
    apiVersion: HTTP_ROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: {
      name: state.name,
      namespace: state.namespace,
      labels: routingLabels(state.name),
      ownerReferences: [state.owner],
    },
    spec: {
      ...(parentRefs.length > 0 ? { parentRefs } : {}),
      ...(hostnames.length > 0 ? { hostnames } : {}),
      rules: [rule],
    },
  };
}

/**
 * The split an HTTPRoute applies: the candidate's share of the backend weights (the candidate
 * being the backend named `<name>-candidate`) and the mirror percent (100 when the filter sets
 * neither percent nor fraction, as the Gateway API specifies).
 */
export function splitOf(route: HttpRoute, name: string): { canaryWeight: number; mirrorPercent: number } {
  const rule = route.spec?.rules?.[0] ?? {};
  const candidateName = `${name}-candidate`;
  const refs = rule.backendRefs ?? [];
  const total = refs.reduce((sum, r) => sum + (r.weight ?? 1), 0);
  const candidate = refs.filter((r) => r.name === candidateName).reduce((sum, r) => sum + (r.weight ?? 1), 0);
  const mirror = rule.filters?.find((f) => f.type === 'RequestMirror')?.requestMirror;
  const mirrorPercent = mirror ? (mirror.percent ?? 100) : 0;
  return { canaryWeight: total > 0 ? Math.round((candidate * 100) / total) : 0, mirrorPercent };
}

/**
 * `gateway-api` provider: manages an HTTPRoute with backend weights to `<name>-master` and
 * `<name>-candidate` and a RequestMirror filter for shadowing. Needs a Gateway implementation.
 */
export class GatewayApiRouter implements TrafficRouter {
  private readonly fieldManager: string;

  constructor(
    private readonly objects: KubernetesObjectApi,
    private readonly options: GatewayApiRouterOptions = {},
  ) {
    this.fieldManager = options.fieldManager ?? TRAFFIC_FIELD_MANAGER;
  }

  async apply(state: TrafficState): Promise<void> {
    const route = httpRouteOf(state, this.options.parentRefs);
    await serverSideApply(this.objects, route, this.fieldManager);
  }

  async current(
    namespace: string,
    name: string,
  ): Promise<{ canaryWeight: number; mirrorPercent: number } | null> {
    try {
      const route = await this.objects.read<HttpRoute>({
        apiVersion: HTTP_ROUTE_API_VERSION,
        kind: 'HTTPRoute',
        metadata: { name, namespace },
      });
      return splitOf(route, name);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }
}
