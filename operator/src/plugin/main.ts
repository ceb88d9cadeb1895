/**
 * `kubectl modelrollout` — watch and steer rollouts:
 *   status [NAME] | history NAME | promote|abort|pause|resume|retry NAME   [-n NS] [--kubeconfig F]
 */
import { parseArgs } from 'node:util';
import { ACTIONS, patchFor, refusal, type Action } from './actions.js';
import { kubeClient, type ModelDeploymentClient } from './client.js';
import { historyView, listView, statusView } from './format.js';

const USAGE = `usage: kubectl modelrollout <command> [NAME] [-n NAMESPACE] [--kubeconfig FILE] [--context NAME]
commands:
  status [NAME]   rollouts in the namespace, or one rollout with its last analysis
  history NAME    the last rollouts of NAME
  promote NAME    skip the remaining shadow/canary time and promote (or approve a Manual promotion)
  abort NAME      roll the candidate back now
  pause NAME      freeze the rollout where it is
  resume NAME     continue a paused rollout
  retry NAME      roll out again a version that failed`;

export async function pluginMain(
  argv: string[],
  client?: ModelDeploymentClient,
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        namespace: { type: 'string', short: 'n' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [command, name, ...extra] = parsed.positionals;
  if (parsed.values.help || !command) {
    out.write(`${USAGE}\n`);
    return parsed.values.help ? 0 : 2;
  }
  const known = ['status', 'history', ...ACTIONS];
  if (!known.includes(command)) {
    process.stderr.write(`error: unknown command "${command}" (one of: ${known.join(', ')})\n`);
    return 2;
  }
  if (extra.length) {
    process.stderr.write(`error: unexpected arguments: ${extra.join(' ')}\n`);
    return 2;
  }
  if (!name && command !== 'status') {
    process.stderr.write(`error: ${command} needs the name of a ModelDeployment\n`);
    return 2;
  }
  const now = new Date();
  try {
    const api = client ?? kubeClient(parsed.values);
    if (command === 'status') {
      out.write(`${name ? statusView(await api.get(name), now) : listView(await api.list(), now)}\n`);
    } else if (command === 'history') {
      out.write(`${historyView(await api.get(name!), now)}\n`);
    } else {
      const md = await api.get(name!);
      const reason = refusal(command as Action, md);
      if (reason) {
        process.stderr.write(`error: ${reason}\n`);
        return 1;
      }
      await api.patch(name!, patchFor(command as Action, now.toISOString()));
      out.write(`${command} requested for ${api.namespace}/${name}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
