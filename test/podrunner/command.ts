/**
 * What to execute for a container: its `command` + `args` when it gives a command, otherwise the
 * local entrypoint of its image followed by its `args`. Pure.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1Container } from '@kubernetes/client-node';

/** Image-name prefix → local argv standing in for the image's ENTRYPOINT. */
export type Entrypoints = Record<string, string[]>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The model-server program of this checkout: the entrypoint of every image not in the map. */
export const MODEL_SERVER_ENTRYPOINT = [process.execPath, path.join(repoRoot, 'bin', 'model-server.js')];

/** The repository root (working directory of pod processes). */
export const REPO_ROOT = repoRoot;

/** argv of a container: `[command, ...args]`. */
export interface Argv {
  command: string;
  args: string[];
}

/**
 * Builds the argv of `container`. `$(VAR)` references in command and args are expanded from
 * `vars` as Kubernetes does; a leading `node` becomes this Node binary.
 */
export function resolveCommand(
  container: Pick<V1Container, 'command' | 'args' | 'image'>,
  vars: Record<string, string>,
  entrypoints: Entrypoints = {},
): Argv {
  const expand = (items: string[] | undefined) => (items ?? []).map((item) => expandVars(item, vars));
  const argv = container.command?.length
    ? [...expand(container.command), ...expand(container.args)]
    : [...entrypointFor(container.image ?? '', entrypoints), ...expand(container.args)];
  const [command, ...args] = argv;
  return { command: command === 'node' ? process.execPath : command, args };
}

/** The entrypoint of `image`: the longest matching prefix of `entrypoints`, else the model-server. */
export function entrypointFor(image: string, entrypoints: Entrypoints): string[] {
  const prefix = Object.keys(entrypoints)
    .filter((p) => image.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  const argv = prefix === undefined ? MODEL_SERVER_ENTRYPOINT : entrypoints[prefix];
  if (!argv.length) throw new Error(`entrypoints[${JSON.stringify(prefix)}]: must not be empty`);
  return argv;
}

/**
 * Kubernetes variable expansion: `$(NAME)` becomes the value of NAME when defined and stays
 * as written otherwise; `$$` escapes a `$`.
 */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return Object.hasOwn(vars, name) ? vars[name] : match;
  });
}
