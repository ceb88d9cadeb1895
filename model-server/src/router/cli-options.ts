/** Command-line and environment options of `model-server router`. Pure: argv + env → options. */
import { parseArgs } from 'node:util';

/** Where the routes config comes from. */
export type RoutesSourceChoice =
  | { kind: 'configmap'; name: string; namespace?: string; kubeconfig?: string }
  | { kind: 'file'; path: string }
  | { kind: 'env'; text: string };

/** Everything `routerMain` needs. */
export interface RouterCliOptions {
  host: string;
  port: number;
  modelName: string;
  source: RoutesSourceChoice;
  upstreamTimeoutMs: number;
  mirrorTimeoutMs: number;
  maxMirrorInFlight: number;
  connections: number;
  bodyLimit: number;
  hostOverrides?: string;
  hostOverridesFile?: string;
  logLevel: string;
  shutdownDelayMs: number;
}

/** Usage text printed by `--help` and after a usage error. */
export const ROUTER_USAGE = `usage: model-server router [options]

Routes config (exactly one):
  --configmap NAME           watch ConfigMap NAME (key routes.json)     env ROUTES_CONFIGMAP
  --namespace NS             its namespace (default: POD_NAMESPACE, the
                             service account's, the kubeconfig's)        env POD_NAMESPACE
  --kubeconfig PATH          kubeconfig (default: in-cluster or KUBECONFIG)
  --config-file PATH         routes.json file, re-read on change         env ROUTES_FILE
  (env ROUTES_JSON)          routes.json document inline

Options:
  --host HOST                listen address (default 0.0.0.0)           env HOST
  --port PORT                listen port (default 8080)                 env PORT
  --model-name NAME          model_name metric label (default model)    env MODEL_NAME
  --upstream-timeout-ms N    deadline of a live call (default 10000)    env UPSTREAM_TIMEOUT_MS
  --mirror-timeout-ms N      deadline of a mirrored call (default 2000) env MIRROR_TIMEOUT_MS
  --max-mirror-in-flight N   mirrored calls in flight (default 100)     env MAX_MIRROR_IN_FLIGHT
  --connections N            connections per upstream (default 256)     env UPSTREAM_CONNECTIONS
  --body-limit BYTES         largest request body (default 1048576)     env BODY_LIMIT_BYTES
  --upstream-host-overrides LIST   from=to[,from=to...]                 env UPSTREAM_HOST_OVERRIDES
  --upstream-host-overrides-file PATH  same, one per line, re-read      env UPSTREAM_HOST_OVERRIDES_FILE
  --shutdown-delay-ms N      not-ready time before closing (default 0)  env SHUTDOWN_DELAY_MS
  --log-level LEVEL          pino level (default info)                  env LOG_LEVEL
`;

/** A usage problem; the message names the option and the reason. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `argv` (after `router`) with `env` as fallback; `'help'` when help was asked. */
export function parseRouterOptions(argv: string[], env: NodeJS.ProcessEnv): RouterCliOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        port: { type: 'string' },
        'model-name': { type: 'string' },
        configmap: { type: 'string' },
        namespace: { type: 'string' },
        kubeconfig: { type: 'string' },
        'config-file': { type: 'string' },
        'upstream-timeout-ms': { type: 'string' },
        'mirror-timeout-ms': { type: 'string' },
        'max-mirror-in-flight': { type: 'string' },
        connections: { type: 'string' },
        'body-limit': { type: 'string' },
        'upstream-host-overrides': { type: 'string' },
        'upstream-host-overrides-file': { type: 'string' },
        'shutdown-delay-ms': { type: 'string' },
        'log-level': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const str = (flag: string, envName?: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = envName ? env[envName] : undefined;
    return e === undefined || e === '' ? undefined : e;
  };
  const int = (flag: string, envName: string, fallback: number, min: number, max: number): number => {
    const text = str(flag, envName);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(
        `--${flag} (env ${envName}): must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`,
      );
    }
    return n;
  };

  const configmap = str('configmap', 'ROUTES_CONFIGMAP');
  const file = str('config-file', 'ROUTES_FILE');
  const inline = env.ROUTES_JSON === '' ? undefined : env.ROUTES_JSON;
  const given = [configmap, file, inline].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new UsageError(
      `routes config: give exactly one of --configmap, --config-file or env ROUTES_JSON (got ${given})`,
    );
  }
  const source: RoutesSourceChoice = configmap
    ? {
        kind: 'configmap',
        name: configmap,
        namespace: str('namespace', 'POD_NAMESPACE'),
        kubeconfig: str('kubeconfig'),
      }
    : file
      ? { kind: 'file', path: file }
      : { kind: 'env', text: inline! };

  return {
    host: str('host', 'HOST') ?? '0.0.0.0',
    port: int('port', 'PORT', 8080, 0, 65535),
    modelName: str('model-name', 'MODEL_NAME') ?? 'model',
    source,
    upstreamTimeoutMs: int('upstream-timeout-ms', 'UPSTREAM_TIMEOUT_MS', 10_000, 1, 600_000),
    mirrorTimeoutMs: int('mirror-timeout-ms', 'MIRROR_TIMEOUT_MS', 2_000, 1, 600_000),
    maxMirrorInFlight: int('max-mirror-in-flight', 'MAX_MIRROR_IN_FLIGHT', 100, 1, 100_000),
    connections: int('connections', 'UPSTREAM_CONNECTIONS', 256, 1, 100_000),
    bodyLimit: int('body-limit', 'BODY_LIMIT_BYTES', 1024 * 1024, 1, 1024 * 1024 * 1024),
    hostOverrides: str('upstream-host-overrides', 'UPSTREAM_HOST_OVERRIDES'),
    hostOverridesFile: str('upstream-host-overrides-file', 'UPSTREAM_HOST_OVERRIDES_FILE'),
    logLevel: str('log-level', 'LOG_LEVEL') ?? 'info',
    shutdownDelayMs: int('shutdown-delay-ms', 'SHUTDOWN_DELAY_MS', 0, 0, 600_000),
  };
}
