/**
 * The full launch of a container process: argv, environment and working directory, from the
 * container spec, its resolved env, its volume mappings and what the runner provides. Pure.
 */
import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { REPO_ROOT, resolveCommand, type Entrypoints } from './command.js';
import { rewriteArg, rewritePath, type MountMapping } from './mounts.js';

/** What the runner gives every pod besides its own spec. */
export interface LaunchContext {
  podIP: string;
  /** Per-pod state directory (volumes, tmp). */
  podDir: string;
  /** Kubeconfig handed to the process as KUBECONFIG (stand-in for in-cluster config). */
  kubeconfig: string;
  /** Service name overrides for the pod's namespace: JSON map and `from=to` lines. */
  hostsFiles: { json: string; lines: string };
  entrypoints?: Entrypoints;
}

/** A process to start. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Environment variables passed through from the runner (a container starts from an image, not our shell). */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TZ'];

/** The first containerPort of `container`, if any. */
export function firstContainerPort(container: V1Container): number | undefined {
  return container.ports?.[0]?.containerPort;
}

export function buildLaunch(
  pod: V1Pod,
  container: V1Container,
  containerEnv: Record<string, string>,
  mappings: MountMapping[],
  ctx: LaunchContext,
): LaunchSpec {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  const tmp = rewritePath('/tmp', mappings);
  Object.assign(env, {
    POD_NAME: pod.metadata?.name ?? '',
    POD_NAMESPACE: pod.metadata?.namespace ?? 'default',
    POD_IP: ctx.podIP,
    TMPDIR: tmp === '/tmp' ? path.join(ctx.podDir, 'tmp') : tmp,
    MODELROLLOUT_HOSTS_FILE: ctx.hostsFiles.json,
  });
  if (containerEnv.UPSTREAM_HOST_OVERRIDES === undefined) {
    env.UPSTREAM_HOST_OVERRIDES_FILE = ctx.hostsFiles.lines;
  }
  for (const [name, value] of Object.entries(containerEnv)) env[name] = rewritePath(value, mappings);
  // Forced: every pod shares the machine, so it must listen on its own address, and talks to the
  // local API server whatever its template says.
  env.HOST = ctx.podIP;
  const port = firstContainerPort(container);
  if (port !== undefined) env.PORT = String(port);
  env.KUBECONFIG = ctx.kubeconfig;

  const rewritten = {
    image: container.image,
    command: container.command?.map((a) => rewriteArg(a, mappings)),
    args: container.args?.map((a) => rewriteArg(a, mappings)),
  };
  const argv = resolveCommand(rewritten, env, ctx.entrypoints);
  const workingDir = container.workingDir && rewritePath(container.workingDir, mappings);
  const cwd = workingDir && workingDir !== container.workingDir ? workingDir : REPO_ROOT;
  return { ...argv, env, cwd };
}
