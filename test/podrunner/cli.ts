/**
 * The local pod runner for humans: plays node, kubelet and kube-proxy for a running local
 * control plane until Ctrl-C, then stops every pod process it started.
 *   npx tsx test/podrunner/cli.ts --plane .tmp/cluster/plane.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { planeFromInfo, type PlaneInfo } from '../cluster/control-plane.js';
import { PLANE_ENV } from '../cluster/shared.js';
import { REPO_ROOT } from './command.js';
import { startPodRunner, type Entrypoints } from './index.js';

const USAGE = `usage: cli.ts [--plane PLANE_JSON] [--node NAME] [--namespace-prefix PREFIX]
              [--entrypoint IMAGE_PREFIX=COMMAND ...] [--quiet]
  --plane             plane.json of a running plane (default: $${PLANE_ENV}, else .tmp/cluster/plane.json)
  --node              Node to register and bind pods to (default local-node)
  --namespace-prefix  serve only namespaces starting with PREFIX (default: all)
  --entrypoint        local command for images giving args only, e.g.
                      --entrypoint 'registry.example/tool=node /opt/tool.js' (default: the model-server)
  --quiet             do not print the runner's messages`;

const { values } = parseArgs({
  options: {
    plane: { type: 'string' },
    node: { type: 'string', default: 'local-node' },
    'namespace-prefix': { type: 'string' },
    entrypoint: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function parseEntrypoints(items: string[]): Entrypoints {
  const entrypoints: Entrypoints = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const argv = item
      .slice(eq + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (eq <= 0 || argv.length === 0)
      throw new Error(`--entrypoint ${JSON.stringify(item)}: expected IMAGE_PREFIX=COMMAND`);
    entrypoints[item.slice(0, eq)] = argv;
  }
  return entrypoints;
}

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const planeFile =
    values.plane ?? process.env[PLANE_ENV] ?? path.join(REPO_ROOT, '.tmp', 'cluster', 'plane.json');
  if (!fs.existsSync(planeFile))
    throw new Error(`--plane: ${planeFile} does not exist (start one with npm run cluster:up)`);
  const info = JSON.parse(fs.readFileSync(planeFile, 'utf8')) as PlaneInfo;
  if (!info.kubeconfig)
    throw new Error(`--plane: the plane at ${info.dir} runs no API server (component 'kube')`);
  const plane = planeFromInfo(info, async () => undefined);
  const prefix = values['namespace-prefix'];
  const say = (line: string) => values.quiet || process.stderr.write(`[pod-runner] ${line}\n`);
  const runner = await startPodRunner({
    kubeconfig: info.kubeconfig,
    stateDir: info.dir,
    prometheus: info.prometheusUrl ? plane.prometheus : undefined,
    nodeName: values.node,
    namespaces: prefix ? (ns) => ns.startsWith(prefix) : undefined,
    entrypoints: parseEntrypoints(values.entrypoint ?? []),
    log: say,
  });
  process.stdout.write(
    [
      `pod runner up: node ${runner.nodeName}, slot ${runner.slot}`,
      `  pod logs:   ${path.join(info.dir, 'logs')}/pod_<namespace>_<pod>.log`,
      `  host files: ${path.join(info.dir, 'hosts')}/<namespace>.json`,
      'stop it with Ctrl-C',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await runner.stop();
  process.stderr.write('pod runner stopped\n');
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
  process.exitCode = 1;
}
