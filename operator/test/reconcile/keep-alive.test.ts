/** Connection reuse for client-node: one pooled agent instead of a TLS handshake per request. */
import type { Agent } from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import { reuseConnections } from '../../src/reconcile/keep-alive.js';
import { kubeConfig } from './cluster.js';

type CreateAgent = (cluster: unknown, options: object) => Agent;

test('requests of a reusing KubeConfig share one keep-alive agent and its connection', async (t) => {
  const kc = new KubeConfig();
  kc.loadFromString((await kubeConfig()).exportConfig());
  // Count the agents client-node builds (it builds one per request unless reuseConnections is on).
  const target = kc as unknown as { createAgent: CreateAgent };
  const build = target.createAgent;
  const built: Agent[] = [];
  target.createAgent = function (cluster, options) {
    const agent = build.call(this, cluster, options);
    built.push(agent);
    return agent;
  };
  reuseConnections(reuseConnections(kc));
  const core = kc.makeApiClient(CoreV1Api);
  await core.readNamespace({ name: 'default' });
  let connections = 0;
  const agent = built[0] as unknown as { createConnection: (...args: unknown[]) => unknown };
  const connect = agent.createConnection;
  agent.createConnection = (...args: unknown[]) => {
    connections++;
    return connect.apply(agent, args);
  };
  for (let i = 0; i < 5; i++) t.is((await core.readNamespace({ name: 'default' })).metadata?.name, 'default');
  t.is(built.length, 1, 'one agent for all requests');
  t.is(connections, 0, 'later requests reuse the first connection');
});
