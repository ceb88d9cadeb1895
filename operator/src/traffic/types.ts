import type { V1OwnerReference } from '@kubernetes/client-node';
import type { TrafficSpec } from '../api/types.js';

/** One backend the traffic goes to: a Service in the ModelDeployment's namespace. */
export interface Backend {
  /** Service name (`<name>-master` / `<name>-candidate`). */
  service: string;
  port: number;
  /** Model version served there (the router reports it; metrics are labelled with it). */
  version: string;
}

/** The traffic split the reconciler wants for one ModelDeployment. */
export interface TrafficState {
  namespace: string;
  /** ModelDeployment name. */
  name: string;
  /** Owner reference to the ModelDeployment, set on every object the router creates. */
  owner: V1OwnerReference;
  master: Backend;
  /** Null when no rollout runs: all traffic to master, no mirror. */
  candidate: Backend | null;
  /** Percent (0..100) of live requests answered by the candidate. */
  canaryWeight: number;
  /** Percent (0..100) of requests also copied to the candidate (shadow). */
  mirrorPercent: number;
  /** `spec.traffic.gateway`: where the HTTPRoute attaches (provider `gateway-api` only). */
  gateway?: TrafficSpec['gateway'];
}

/** Applies a traffic split through one mechanism (the model-server router, Gateway API, ...). */
export interface TrafficRouter {
  /** Makes the routing objects match `state` (idempotent, server-side apply). */
  apply(state: TrafficState): Promise<void>;
  /** The split currently in force, or null when the routing objects do not exist yet. */
  current(namespace: string, name: string): Promise<{ canaryWeight: number; mirrorPercent: number } | null>;
}
