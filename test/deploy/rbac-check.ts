/** Asks the real API server (`kubectl auth can-i --as`) what a ServiceAccount may do. */
import type { Cluster } from './helpers.js';
import { canIArgs, describeAccess, type Access } from './operator-permissions.js';

/** One answer of `kubectl auth can-i`. */
export interface AccessAnswer {
  question: string;
  allowed: boolean;
}

/** Answers every question for `user`, a few at a time. */
export async function canI(
  k: Cluster,
  user: string,
  accesses: Access[],
  namespace: string | undefined,
): Promise<AccessAnswer[]> {
  const answers: AccessAnswer[] = [];
  const batch = 8;
  for (let i = 0; i < accesses.length; i += batch) {
    const slice = accesses.slice(i, i + batch);
    const results = await Promise.all(
      slice.map(async (access) => {
        const result = await k.kubectl([...canIArgs(access, namespace), `--as=${user}`]);
        const answer = result.stdout.trim().split('\n').pop();
        if (answer !== 'yes' && answer !== 'no') {
          throw new Error(
            `kubectl auth can-i ${describeAccess(access, namespace)}: ${result.stderr}${result.stdout}`,
          );
        }
        return { question: describeAccess(access, namespace), allowed: answer === 'yes' };
      }),
    );
    answers.push(...results);
  }
  return answers;
}

/** The questions whose answer differs from `expected`. */
export function unexpected(answers: AccessAnswer[], expected: boolean): string[] {
  return answers.filter((a) => a.allowed !== expected).map((a) => a.question);
}

export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;
