import os from 'node:os';
import { parseArgs } from 'node:util';

/** Everything the operator process is configured with. */
export interface OperatorConfig {
  /** Kubeconfig file; undefined: $KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /** Watch this namespace only; undefined: all namespaces. */
  namespace?: string;
  metricsPort: number;
  healthPort: number;
  bindAddress: string;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  identity: string;
  logLevel: string;
  workers: number;
  resyncPeriodMs: number;
  prometheusTimeoutMs: number;
}

/** Usage text printed by `--help` and on bad flags. */
export const USAGE = `Usage: modelrollout-operator [options]
  --kubeconfig PATH        kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --namespace NS           watch only NS (default: all namespaces)
  --metrics-port N         port of /metrics (default 8080)
  --health-port N          port of /healthz and /readyz (default 8081; may equal --metrics-port)
  --bind-address ADDR      address the HTTP ports listen on (default 0.0.0.0)
  --leader-elect           run leader election; only the leader reconciles
  --lease-name NAME        Lease name (default modelrollout-operator)
  --lease-namespace NS     Lease namespace (default: $POD_NAMESPACE, --namespace, or default)
  --log-level LEVEL        trace, debug, info, warn, error (default info)
  --workers N              ModelDeployments reconciled in parallel (default 4)
  --resync-seconds N       re-enqueue every ModelDeployment this often (default 300)
  --prometheus-timeout-ms N  deadline of one Prometheus query (default 10000)
  --help                   print this text`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function integer(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${flag}: must be an integer between ${min} and ${max}, got "${value}"`);
  }
  return n;
}

/**
 * Parses the command line (without node and script). Returns null for `--help`; throws an Error
 * naming the flag for bad input.
 */
export function parseOperatorArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): OperatorConfig | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'metrics-port': { type: 'string' },
      'health-port': { type: 'string' },
      'bind-address': { type: 'string' },
      'leader-elect': { type: 'boolean' },
      'lease-name': { type: 'string' },
      'lease-namespace': { type: 'string' },
      'log-level': { type: 'string' },
      workers: { type: 'string' },
      'resync-seconds': { type: 'string' },
      'prometheus-timeout-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`--log-level: must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const namespace = values.namespace === '' ? undefined : values.namespace;
  return {
    kubeconfig: values.kubeconfig,
    namespace,
    metricsPort: integer('metrics-port', values['metrics-port'], 8080, 0, 65535),
    healthPort: integer('health-port', values['health-port'], 8081, 0, 65535),
    bindAddress: values['bind-address'] ?? '0.0.0.0',
    leaderElect: values['leader-elect'] ?? false,
    leaseName: values['lease-name'] ?? 'modelrollout-operator',
    leaseNamespace: values['lease-namespace'] ?? env.POD_NAMESPACE ?? namespace ?? 'default',
    identity: `${env.POD_NAME ?? os.hostname()}_${Math.random().toString(36).slice(2, 10)}`,
    logLevel,
    workers: integer('workers', values.workers, 4, 1, 64),
    resyncPeriodMs: integer('resync-seconds', values['resync-seconds'], 300, 1, 86_400) * 1000,
    prometheusTimeoutMs: integer(
      'prometheus-timeout-ms',
      values['prometheus-timeout-ms'],
      10_000,
      100,
      300_000,
    ),
  };
}
