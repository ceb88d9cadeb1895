/**
 * Connection reuse for @kubernetes/client-node 1.4, which builds a new https.Agent for every
 * request: each call then pays a fresh TLS handshake (about 25 ms against a local API server,
 * most of an idle reconcile). reuseConnections() makes a KubeConfig hand out one keep-alive agent
 * per distinct set of TLS options, so every client made from it shares pooled connections.
 * It patches the private `createAgent` of the pinned version, hence the check that it exists.
 */
import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateAgent = (cluster: unknown, options: Record<string, unknown>) => Agent;
const PATCHED = Symbol.for('modelrollout.reuseConnections');

function optionsKey(options: Record<string, unknown>): string {
  return JSON.stringify(options, (_key, value) =>
    value && typeof value === 'object' && value.type === 'Buffer'
      ? Buffer.from(value.data).toString('base64')
      : value,
  );
}

/** Makes every client of `kc` share keep-alive connections; idempotent. Returns `kc`. */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent?: CreateAgent; [PATCHED]?: true };
  if (target[PATCHED]) return kc;
  const original = target.createAgent;
  if (typeof original !== 'function') {
    throw new Error(
      '@kubernetes/client-node changed: KubeConfig.createAgent is gone; update reuseConnections()',
    );
  }
  const agents = new Map<string, Agent>();
  target.createAgent = function (cluster, options) {
    const key = optionsKey({ ...options, server: (cluster as { server?: string })?.server });
    let agent = agents.get(key);
    if (!agent) {
      agent = original.call(this, cluster, { ...options, keepAlive: true, maxSockets: 32 });
      agents.set(key, agent);
    }
    return agent;
  };
  target[PATCHED] = true;
  return kc;
}
