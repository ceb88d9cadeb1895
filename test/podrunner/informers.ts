/** Informers (list + watch + cache) that restart after an error instead of going quiet. */
import {
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';

/** A cache of one resource kind kept current by a watch. */
export interface WatchedResource<T> {
  /** Every object, or those of `namespace`. */
  list(namespace?: string): readonly T[];
  stop(): Promise<void>;
}

export type ChangeKind = 'add' | 'update' | 'delete';

/**
 * Lists and watches `path` (e.g. `/api/v1/pods`), calling `onChange` for each event; after an
 * error the informer starts again (after `restartMs`) from where it was.
 */
export async function watchResource<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: ListPromise<T>,
  onChange: (kind: ChangeKind, object: T) => void,
  log: (line: string) => void,
  restartMs = 1_000,
): Promise<WatchedResource<T>> {
  const informer = makeInformer(kc, path, list);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  for (const kind of ['add', 'update', 'delete'] as const)
    informer.on(kind, (object) => onChange(kind, object));
  informer.on('error', (error) => {
    if (stopped) return;
    log(`watch of ${path} failed (${(error as Error)?.message ?? error}); restarting in ${restartMs} ms`);
    clearTimeout(timer);
    timer = setTimeout(() => void (stopped || informer.start()), restartMs);
  });
  await informer.start();
  return {
    list: (namespace) => informer.list(namespace),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
